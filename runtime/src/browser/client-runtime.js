// @sailroute/client (client-js/index.js), built by tests/node/scripts/runtime-bundle.js: do not edit.
var sailroute = sailroute || {};
sailroute.runtime = (() => {
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __export = (target, all) => {
    for (var name in all)
      __defProp(target, name, { get: all[name], enumerable: true });
  };
  var __copyProps = (to, from, except, desc) => {
    if (from && typeof from === "object" || typeof from === "function") {
      for (let key of __getOwnPropNames(from))
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
    }
    return to;
  };
  var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

  // ../../client-js/index.js
  var index_exports = {};
  __export(index_exports, {
    CONTRACT_HEADER: () => CONTRACT_HEADER,
    ClientError: () => ClientError,
    DEFAULT_TIMEOUT_MS: () => DEFAULT_TIMEOUT_MS,
    createRuntime: () => createRuntime,
    rest: () => rest,
    routeError: () => routeError,
    rules: () => rules,
    segment: () => segment
  });
  var DEFAULT_TIMEOUT_MS = 3e4;
  var CONTRACT_HEADER = "x-sailroute-contract";
  var INCOMPATIBLE_HANDSHAKE = "incompatible contract:";
  var ClientError = class extends Error {
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
  };
  function describeFields(fields) {
    return fields.map((f) => f.path ? `${f.path}: ${f.message}` : f.message).join("; ");
  }
  var compiledPatterns = /* @__PURE__ */ new Map();
  var rules = Object.freeze({
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
      if (min !== void 0 && count < min) errors.push({ path, rule: "length", message: `length is lower than ${min}` });
      else if (max !== void 0 && count > max) errors.push({ path, rule: "length", message: `length is greater than ${max}` });
    },
    range(value, min, max, path, errors) {
      if (min !== void 0 && value < min) errors.push({ path, rule: "range", message: `lower than ${min}` });
      else if (max !== void 0 && value > max) errors.push({ path, rule: "range", message: `greater than ${max}` });
    },
    pattern(value, source, path, errors) {
      if (!compiledPatterns.has(source)) {
        let re2 = null;
        if (!/\\[wWdDbB]/.test(source)) {
          try {
            re2 = new RegExp(source, "u");
          } catch {
          }
        }
        compiledPatterns.set(source, re2);
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
    }
  });
  function pathText(method, name, value) {
    const type = typeof value;
    if (type === "string" && value !== "" || type === "number" || type === "boolean" || type === "bigint") {
      return String(value);
    }
    const shown = type === "string" ? '""' : String(value);
    throw new ClientError("encode", method, void 0, 0, void 0, `${method}: the path parameter ${name} cannot be ${shown}`);
  }
  function segment(method, name, value) {
    return encodeURIComponent(pathText(method, name, value));
  }
  function rest(method, name, value) {
    return pathText(method, name, value).split("/").map(encodeURIComponent).join("/");
  }
  function encodeQuery(query) {
    if (query === void 0 || query === null) return "";
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === void 0 || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        params.append(name, typeof item === "object" ? JSON.stringify(item) : String(item));
      }
    }
    const text = params.toString();
    return text ? `?${text}` : "";
  }
  async function readBody(response) {
    const text = await response.text();
    if (text === "") return void 0;
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
  function createRuntime(options = {}, meta = {}) {
    const socket = options.socket;
    const baseUrl = (options.baseUrl || "").replace(/\/+$/, "");
    const headers = { ...options.headers || {} };
    if (meta.contract) headers[CONTRACT_HEADER] = meta.contract;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchImpl = options.fetch || globalThis.fetch;
    const localChecks = options.localChecks !== false;
    const subscriptions = /* @__PURE__ */ new Map();
    const stateListeners = /* @__PURE__ */ new Set();
    const resubscribeListeners = /* @__PURE__ */ new Set();
    let state = socket ? socket.connected ? "connected" : "connecting" : "http";
    let everConnected = !!(socket && socket.connected);
    function setState(next) {
      if (next === state) return;
      state = next;
      for (const listener of stateListeners) listener(next);
    }
    let refusal;
    const refusalListeners = /* @__PURE__ */ new Set();
    function refused(method, url) {
      return new ClientError("incompatible", method, url, 0, { message: refusal, problems: [] }, `${method} ${url}: the server refused this client's contract: ${refusal}`);
    }
    if (socket && typeof socket.on === "function") {
      socket.on("connect", () => {
        refusal = void 0;
        if (everConnected) {
          for (const s of subscriptions.values()) {
            viaSocket(s.method, s.url, s.body, s.headers, timeoutMs).then(({ status, body }) => {
              if (status < 200 || status >= 300) throw answered(s.method, s.url, status, body);
            }).catch((error) => {
              for (const listener of resubscribeListeners) listener(error);
              if (resubscribeListeners.size === 0) console.error(`re-subscribing after a reconnect failed: ${error.message}`);
            });
          }
        }
        everConnected = true;
        setState("connected");
      });
      socket.on("disconnect", () => setState("disconnected"));
      socket.on("connect_error", (error) => {
        const message = error && typeof error.message === "string" ? error.message : "";
        if (!message.startsWith(INCOMPATIBLE_HANDSHAKE)) return;
        refusal = message.slice(INCOMPATIBLE_HANDSHAKE.length).trim();
        for (const fail of refusalListeners) fail();
      });
    }
    function answered(method, url, status, body) {
      if (status === 422 && body !== null && typeof body === "object" && body.error === "validation" && Array.isArray(body.fields)) {
        return new ClientError("invalid", method, url, status, body, `${method} ${url}: invalid input: ${describeFields(body.fields)}`, void 0, body.fields);
      }
      if (status === 409 && body !== null && typeof body === "object" && body.error === "incompatible_contract") {
        return new ClientError("incompatible", method, url, status, body, `${method} ${url}: the server refused this client's contract: ${body.message}`);
      }
      return new ClientError("status", method, url, status, body, `${method} ${url} answered ${status}`);
    }
    async function viaSocket(method, url, body, callHeaders, ms) {
      if (refusal !== void 0) throw refused(method, url);
      const event = method.toLowerCase();
      let jwr;
      let fail;
      try {
        const answer = socket.timeout(ms).emitWithAck(event, {
          method: event,
          url,
          data: body === void 0 ? {} : body,
          headers: callHeaders
        });
        const refusedLater = new Promise((_, reject) => {
          fail = () => reject(refused(method, url));
          refusalListeners.add(fail);
        });
        jwr = await Promise.race([answer, refusedLater]);
      } catch (error) {
        if (error instanceof ClientError) throw error;
        const message = error && error.message ? error.message : String(error);
        if (/timed out/.test(message)) {
          throw new ClientError("timeout", method, url, 0, void 0, `${method} ${url}: no answer within ${ms} ms`);
        }
        if (/disconnected/.test(message)) {
          throw new ClientError("disconnected", method, url, 0, void 0, `${method} ${url}: the socket disconnected before the answer`);
        }
        throw new ClientError("transport", method, url, 0, void 0, `${method} ${url}: ${message}`);
      } finally {
        refusalListeners.delete(fail);
      }
      const status = jwr !== null && typeof jwr === "object" ? jwr.statusCode : void 0;
      if (!Number.isInteger(status) || status < 100 || status > 999) {
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
      if (body !== void 0) {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
      }
      try {
        const response = await fetchImpl(`${baseUrl}${url}`, init);
        return { status: response.status, body: await readBody(response) };
      } catch (error) {
        if (controller.signal.aborted && !(signal && signal.aborted)) {
          throw new ClientError("timeout", method, url, 0, void 0, `${method} ${url}: no answer within ${ms} ms`);
        }
        throw new ClientError("transport", method, url, 0, void 0, `${method} ${url}: ${error && error.message ? error.message : error}`);
      } finally {
        clearTimeout(timer);
        if (signal) signal.removeEventListener("abort", abort);
      }
    }
    async function call(route, method, path, query, body, callOptions = {}, subscribing = false, check = void 0) {
      try {
        if (check && localChecks) {
          const fields = [];
          check(fields);
          if (fields.length > 0) {
            throw new ClientError("invalid", method, void 0, 0, void 0, `${method}: invalid input: ${describeFields(fields)}`, void 0, fields);
          }
        }
        return await send(method, path, query, body, callOptions || {}, subscribing);
      } catch (error) {
        if (error instanceof ClientError) error.route = route;
        throw error;
      }
    }
    async function send(method, path, query, body, callOptions, subscribing) {
      const url = path() + encodeQuery(query);
      const callHeaders = { ...headers, ...callOptions.headers || {} };
      const ms = callOptions.timeoutMs ?? timeoutMs;
      const { status, body: result } = socket ? await viaSocket(method, url, body, callHeaders, ms) : await viaFetch(method, url, body, callHeaders, ms, callOptions.signal);
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
        if (!socket) return () => {
        };
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
      }
    };
    return { call, client };
  }
  function routeError(route) {
    return (error) => error instanceof ClientError && error.route === route && error.kind !== "incompatible";
  }
  return __toCommonJS(index_exports);
})();
