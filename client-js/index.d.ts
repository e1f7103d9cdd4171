// @sailroute/client: the runtime every generated sailroute JavaScript client is built on.

/** The part of a socket.io-client 4 `Socket` a client uses. */
export interface SocketLike {
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  readonly connected: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** Options for a generated client's `createClient`. */
export interface ClientOptions {
  /** A connected socket.io-client 4 socket: calls go as Sails virtual requests. Without it, `fetch` is used. */
  socket?: SocketLike;
  /** The server's URL for `fetch` (default: relative URLs). */
  baseUrl?: string;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /** The per-call timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** The `fetch` to use (default `globalThis.fetch`). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /**
   * Whether calls check their body and query against the validation rules the server
   * declares before sending (default `true`). With `false`, the server's 422 comes back as
   * the same `"invalid"` error.
   */
  localChecks?: boolean;
}

/** One validation rule one field broke. */
export interface FieldError {
  /** Where the value is: field names joined by dots, list indexes in brackets (`tags[0]`). */
  path: string;
  /** The rule: `"length"`, `"range"`, `"pattern"`, `"email"`, `"url"`, `"custom"`, … */
  rule: string;
  /** What is wrong, in English. */
  message: string;
}

/** Per-call options. */
export interface CallOptions {
  /** Headers for this call, over the client's. */
  headers?: Record<string, string>;
  /** This call's timeout in milliseconds. */
  timeoutMs?: number;
  /** Aborts an HTTP call. */
  signal?: AbortSignal;
}

/** The default per-call timeout, in milliseconds. */
export declare const DEFAULT_TIMEOUT_MS: number;

/** The request header that carries a generated client's contract hash. */
export declare const CONTRACT_HEADER: "x-sailroute-contract";

/** What failed in a {@link ClientError}. */
export type ClientErrorKind =
  | "status"
  | "incompatible"
  | "timeout"
  | "disconnected"
  | "transport"
  | "decode"
  | "encode"
  | "invalid";

/**
 * A failed call. `kind` tells what failed: `"status"` (the server answered with an error
 * status; `body` is the route's error body), `"incompatible"` (the server refused the client's
 * contract: a route it calls is gone or a value no longer fits; `body` is the server's
 * `{message, problems}`), `"timeout"`, `"disconnected"` (the socket closed before the
 * answer), `"transport"` (the request could not be sent), `"decode"` (the answer is not a
 * response), `"encode"` (the call could not be written; nothing was sent), `"invalid"` (the
 * input breaks its type's validation rules; `fields` says which: `status` is 422 when the
 * server found it, 0 when the client checked before sending and sent nothing).
 */
export declare class ClientError<E = unknown> extends Error {
  readonly kind: ClientErrorKind;
  /** The client method that failed (`"createTodo"`); narrow `body` with its `is…Error` guard. */
  readonly route: string | undefined;
  /** The call's method (`"GET"`, …). */
  readonly method: string;
  /** The call's path and query as sent (`undefined` when it could not be written). */
  readonly path: string | undefined;
  /** The HTTP status (0 when there was no answer). */
  readonly status: number;
  /** The error body, as the route declares it (for `"decode"`, the ack as received). */
  readonly body: E | undefined;
  /** For `"invalid"`: every rule the input breaks. */
  readonly fields: FieldError[] | undefined;
}

/** The checks generated clients run before sending (used by generated code). */
export declare const rules: {
  key(path: string, key: string): string;
  index(path: string, i: number): string;
  chars(text: string): number;
  length(count: number, min: number | undefined, max: number | undefined, path: string, errors: FieldError[]): void;
  range(value: number, min: number | undefined, max: number | undefined, path: string, errors: FieldError[]): void;
  pattern(value: string, source: string, path: string, errors: FieldError[]): void;
  email(value: string, path: string, errors: FieldError[]): void;
  url(value: string, path: string, errors: FieldError[]): void;
};

/** Where a client's connection stands; `"http"` for a client without a socket. */
export type ConnectionState = "connecting" | "connected" | "disconnected" | "http";

/** The methods every generated client has besides its routes. */
export interface BaseClient {
  /** Listens to a pushed event; returns a function that stops listening. */
  on(event: string, listener: (payload: any) => void): () => void;
  /** The connection state. */
  connectionState(): ConnectionState;
  /** Calls `listener` with each new connection state; returns a function that stops it. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /**
   * Calls `listener` with every subscribing call that could not be re-issued after a
   * reconnect; returns a function that stops it.
   */
  onResubscribeError(listener: (error: ClientError) => void): () => void;
  /** Forgets the subscribing calls that would be re-issued after a reconnect. */
  forgetSubscriptions(): void;
}

/** What the generated code tells the runtime about its client. */
export interface ClientMeta {
  /** The hash of the contract the client was generated from. */
  contract?: string;
}

/** One route's call, as generated code makes it. */
export type Call = (
  route: string,
  method: string,
  path: () => string,
  query: Record<string, unknown> | undefined,
  body: unknown,
  options?: CallOptions,
  subscribing?: boolean,
  check?: (errors: FieldError[]) => void,
) => Promise<any>;

/** The runtime of one generated client (used by generated code). */
export declare function createRuntime(options?: ClientOptions, meta?: ClientMeta): { call: Call; client: BaseClient };

/** One path segment, percent-encoded; throws an `"encode"` `ClientError` for a value with no place in a path. */
export declare function segment(method: string, name: string, value: unknown): string;

/** A rest-of-path parameter: each segment percent-encoded, the slashes kept. */
export declare function rest(method: string, name: string, value: unknown): string;

/** A guard for one route's errors whose body is the route's own (not `"incompatible"`). */
export declare function routeError(route: string): (error: unknown) => error is ClientError;
