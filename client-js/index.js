// @sailroute/client: the runtime every generated sailroute JavaScript client is built on.
//
// A generated client is a route table over this module: one `call` per route, the route's path
// written with `segment` / `rest`. Everything else lives here once — the two transports
// (Sails virtual requests over a socket.io-client 4 socket, or `fetch`), `ClientError`,
// connection state, and re-issuing subscribing calls after a reconnect — so every generated
// client in an app shares one `ClientError` class.

/** The default per-call timeout, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30000;

/** The request header that carries a generated client's contract hash. */
export const CONTRACT_HEADER = "x-sailroute-contract";

/** How a server's refused handshake message starts when the client's contract is the reason. */
const INCOMPATIBLE_HANDSHAKE = "incompatible contract:";

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
export class ClientError extends Error {
  constructor(kind, method, path, status, body, message, route, fields) {
    super(message);
    this.name = "ClientError";
    this.kind = kind;
    this.route = route;
    this.method = method;
    this.path = path;
    this.status = status;
    this.body = body;
    this.fields = fields;
  }
}

/** `fields` of an `"invalid"` error in one sentence. */
function describeFields(fields) {
  return fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ");
}

const compiledPatterns = new Map();

/**
 * The checks of the validation rules the server declares (`#[garde(...)]`), which generated
 * clients call before sending a body or query: each adds `{path, rule, message}` to `errors`
 * when `value` breaks it, with garde's own messages. Lengths of strings count code points, as
 * garde's `chars` mode and JSON Schema do. A pattern JavaScript cannot compile or reads
 * differently (`\w`, `\d`, `\b` are ASCII-only here), and `email` beyond an `@` between two
 * parts, are left to the server.
 */
export const rules = Object.freeze({
  key(path, key) {
    return path ? `${path}.${key}` : key;
  },
  index(path, i) {
    return `${path}[${i}]`;
  },
  chars(text) {
    let n = 0;
    for (const _ of text) n++;
    return n;
  },
  length(count, min, max, path, errors) {
    if (min !== undefined && count < min) errors.push({ path, rule: "length", message: `length is lower than ${min}` });
    else if (max !== undefined && count > max) errors.push({ path, rule: "length", message: `length is greater than ${max}` });
  },
  range(value, min, max, path, errors) {
    if (min !== undefined && value < min) errors.push({ path, rule: "range", message: `lower than ${min}` });
    else if (max !== undefined && value > max) errors.push({ path, rule: "range", message: `greater than ${max}` });
  },
  pattern(value, source, path, errors) {
    if (!compiledPatterns.has(source)) {
      let re = null;
      // `\w`, `\d` and `\b` are Unicode-aware in the server's regex and ASCII-only in
      // JavaScript's: such a pattern is left to the server rather than refuse valid input.
      if (!/\\[wWdDbB]/.test(source)) {
        try {
          re = new RegExp(source, "u");
        } catch {
          // Not JavaScript syntax: the server checks it.
        }
      }
      compiledPatterns.set(source, re);
    }
    const re = compiledPatterns.get(source);
    if (re && !re.test(value)) errors.push({ path, rule: "pattern", message: `does not match pattern /${source}/` });
  },
  email(value, path, errors) {
    const at = value.indexOf("@");
    if (at <= 0 || at === value.length - 1 || /\s/u.test(value)) errors.push({ path, rule: "email", message: "not a valid email" });
  },
  url(value, path, errors) {
    let ok = true;
    try {
      new URL(value);
    } catch {
      ok = false;
    }
    if (!ok) errors.push({ path, rule: "url", message: "not a valid url" });
  },
});

/** The text of one path parameter; `null`, `undefined`, `""` and objects have no place in a path. */
function pathText(method, name, value) {
  const type = typeof value;
  if ((type === "string" && value !== "") || type === "number" || type === "boolean" || type === "bigint") {
    return String(value);
  }
  const shown = type === "string" ? '""' : String(value);
  throw new ClientError("encode", method, undefined, 0, undefined, `${method}: the path parameter ${name} cannot be ${shown}`);
}

/** One path segment, percent-encoded. */
export function segment(method, name, value) {
  return encodeURIComponent(pathText(method, name, value));
}

/** A rest-of-path parameter (`*path`): each of its segments percent-encoded, the slashes kept. */
export function rest(method, name, value) {
  return pathText(method, name, value).split("/").map(encodeURIComponent).join("/");
}

function encodeQuery(query) {
  if (query === undefined || query === null) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(name, typeof item === "object" ? JSON.stringify(item) : String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function readBody(response) {
  const text = await response.text();
  if (text === "") return undefined;
  const type = (response.headers.get("content-type") || "").split(";")[0].trim();
  if (type === "application/json" || type.endsWith("+json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The runtime of one generated client. `options` are the generated `createClient`'s:
 * `socket` (a socket.io-client 4 socket), `baseUrl` (for `fetch`), `headers` (sent with every
 * call), `timeoutMs`, `fetch` (defaults to `globalThis.fetch`). `meta.contract` is the hash
 * of the contract the client was generated from: it travels with every call, and a server
 * given its contract answers an incompatible client with an `"incompatible"` `ClientError`.
 *
 * `options.localChecks: false` sends input that breaks its type's rules to the server (which
 * answers 422) instead of failing the call before sending.
 *
 * Returns `{ call, client }`: `call(route, method, path, query, body, callOptions,
 * subscribing, check)` performs one route's call (`path` is a function writing the path;
 * `check`, when given, adds the input's broken rules to an array), and `client` holds the
 * methods every generated client has (`on`, `connectionState`, …), to which the generated
 * code adds one method per route.
 */
export function createRuntime(options = {}, meta = {}) {
  const socket = options.socket;
  const baseUrl = (options.baseUrl || "").replace(/\/+$/, "");
  const headers = { ...(options.headers || {}) };
  if (meta.contract) headers[CONTRACT_HEADER] = meta.contract;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch || globalThis.fetch;
  const localChecks = options.localChecks !== false;

  // Subscribing calls that succeeded, re-issued after every reconnect (a reconnected socket
  // has a new id and no rooms).
  const subscriptions = new Map();
  const stateListeners = new Set();
  const resubscribeListeners = new Set();
  let state = socket ? (socket.connected ? "connected" : "connecting") : "http";
  let everConnected = !!(socket && socket.connected);
  function setState(next) {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }
  // Set when the server refused this client's contract at the handshake.
  let refusal;
  const refusalListeners = new Set();
  function refused(method, url) {
    return new ClientError("incompatible", method, url, 0, { message: refusal, problems: [] }, `${method} ${url}: the server refused this client's contract: ${refusal}`);
  }
  if (socket && typeof socket.on === "function") {
    socket.on("connect", () => {
      // Connected, so no longer refused (before re-subscribing, which checks it).
      refusal = undefined;
      if (everConnected) {
        for (const s of subscriptions.values()) {
          viaSocket(s.method, s.url, s.body, s.headers, timeoutMs)
            .then(({ status, body }) => {
              if (status < 200 || status >= 300) throw answered(s.method, s.url, status, body);
            })
            .catch((error) => {
              // The socket is connected again but no longer subscribed: the app must know.
              for (const listener of resubscribeListeners) listener(error);
              if (resubscribeListeners.size === 0) console.error(`re-subscribing after a reconnect failed: ${error.message}`);
            });
        }
      }
      everConnected = true;
      setState("connected");
    });
    socket.on("disconnect", () => setState("disconnected"));
    // A server that refuses this client's contract at the handshake: every call fails with
    // that reason rather than waiting for a connection that will not come.
    socket.on("connect_error", (error) => {
      const message = error && typeof error.message === "string" ? error.message : "";
      if (!message.startsWith(INCOMPATIBLE_HANDSHAKE)) return;
      refusal = message.slice(INCOMPATIBLE_HANDSHAKE.length).trim();
      for (const fail of refusalListeners) fail();
    });
  }

  function answered(method, url, status, body) {
    if (status === 422 && body !== null && typeof body === "object" && body.error === "validation" && Array.isArray(body.fields)) {
      return new ClientError("invalid", method, url, status, body, `${method} ${url}: invalid input: ${describeFields(body.fields)}`, undefined, body.fields);
    }
    if (status === 409 && body !== null && typeof body === "object" && body.error === "incompatible_contract") {
      return new ClientError("incompatible", method, url, status, body, `${method} ${url}: the server refused this client's contract: ${body.message}`);
    }
    return new ClientError("status", method, url, status, body, `${method} ${url} answered ${status}`);
  }

  async function viaSocket(method, url, body, callHeaders, ms) {
    if (refusal !== undefined) throw refused(method, url);
    const event = method.toLowerCase();
    let jwr;
    let fail;
    try {
      const answer = socket.timeout(ms).emitWithAck(event, {
        method: event,
        url,
        data: body === undefined ? {} : body,
        headers: callHeaders,
      });
      const refusedLater = new Promise((_, reject) => {
        fail = () => reject(refused(method, url));
        refusalListeners.add(fail);
      });
      jwr = await Promise.race([answer, refusedLater]);
    } catch (error) {
      if (error instanceof ClientError) throw error;
      const message = error && error.message ? error.message : String(error);
      // socket.io-client rejects with "operation has timed out" when the timer fires first,
      // and with "socket has been disconnected" when the connection closes under the call.
      if (/timed out/.test(message)) {
        throw new ClientError("timeout", method, url, 0, undefined, `${method} ${url}: no answer within ${ms} ms`);
      }
      if (/disconnected/.test(message)) {
        throw new ClientError("disconnected", method, url, 0, undefined, `${method} ${url}: the socket disconnected before the answer`);
      }
      throw new ClientError("transport", method, url, 0, undefined, `${method} ${url}: ${message}`);
    } finally {
      refusalListeners.delete(fail);
    }
    const status = jwr !== null && typeof jwr === "object" ? jwr.statusCode : undefined;
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      // Sails acks a parse error without a status; counting it as a success would be a wrong answer.
      throw new ClientError("decode", method, url, 0, jwr, `${method} ${url}: the ack is not a {body, headers, statusCode} answer`);
    }
    return { status, body: jwr.body };
  }

  async function viaFetch(method, url, body, callHeaders, ms, signal) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    const abort = () => controller.abort();
    if (signal) signal.addEventListener("abort", abort, { once: true });
    const init = { method, headers: { ...callHeaders }, redirect: "manual", signal: controller.signal };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["content-type"] = "application/json";
    }
    try {
      const response = await fetchImpl(`${baseUrl}${url}`, init);
      return { status: response.status, body: await readBody(response) };
    } catch (error) {
      if (controller.signal.aborted && !(signal && signal.aborted)) {
        throw new ClientError("timeout", method, url, 0, undefined, `${method} ${url}: no answer within ${ms} ms`);
      }
      throw new ClientError("transport", method, url, 0, undefined, `${method} ${url}: ${error && error.message ? error.message : error}`);
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", abort);
    }
  }

  async function call(route, method, path, query, body, callOptions = {}, subscribing = false, check = undefined) {
    try {
      if (check && localChecks) {
        const fields = [];
        check(fields);
        if (fields.length > 0) {
          throw new ClientError("invalid", method, undefined, 0, undefined, `${method}: invalid input: ${describeFields(fields)}`, undefined, fields);
        }
      }
      return await send(method, path, query, body, callOptions || {}, subscribing);
    } catch (error) {
      // Every error of this call names its route, for the generated `is<Route>Error` guards.
      if (error instanceof ClientError) error.route = route;
      throw error;
    }
  }

  async function send(method, path, query, body, callOptions, subscribing) {
    // The path is written here, so a parameter that cannot be written fails this call.
    const url = path() + encodeQuery(query);
    const callHeaders = { ...headers, ...(callOptions.headers || {}) };
    const ms = callOptions.timeoutMs ?? timeoutMs;
    const { status, body: result } = socket
      ? await viaSocket(method, url, body, callHeaders, ms)
      : await viaFetch(method, url, body, callHeaders, ms, callOptions.signal);
    if (status >= 200 && status < 300) {
      if (subscribing && socket) {
        subscriptions.set(`${method} ${url} ${JSON.stringify(body)}`, { method, url, body, headers: callHeaders });
      }
      return result;
    }
    throw answered(method, url, status, result);
  }

  const client = {
    /** Listens to a pushed event; returns a function that stops listening. */
    on(event, listener) {
      if (!socket) return () => {};
      socket.on(event, listener);
      return () => socket.off(event, listener);
    },
    /** "connecting", "connected", "disconnected", or "http" without a socket. */
    connectionState() {
      return state;
    },
    /** Calls `listener` with each new connection state; returns a function that stops it. */
    onConnectionState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    /**
     * Calls `listener` with the `ClientError` of every subscribing call that could not be
     * re-issued after a reconnect (the socket no longer receives that route's events); returns
     * a function that stops it. Without a listener, such failures go to `console.error`.
     */
    onResubscribeError(listener) {
      resubscribeListeners.add(listener);
      return () => resubscribeListeners.delete(listener);
    },
    /** Forgets the subscribing calls that would be re-issued after a reconnect. */
    forgetSubscriptions() {
      subscriptions.clear();
    },
  };
  return { call, client };
}

/**
 * A guard for one route's errors: `routeError("getTodo")(e)` is whether `e` is a failed
 * `getTodo` call whose `body` is the route's own (any kind but `"incompatible"`, whose body is
 * the server's refusal).
 */
export function routeError(route) {
  return (error) => error instanceof ClientError && error.route === route && error.kind !== "incompatible";
}
