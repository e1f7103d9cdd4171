'use strict';
// The generated JS client as a published package: `npm pack` of the @sailroute/client runtime
// and of the generated packages, installed into a fresh folder (helpers.installPackages), then
// imported from Node ESM, type-checked by tsc under `nodenext` and `bundler` resolution, and
// bundled by esbuild for Chromium — each against a live todo server.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const esbuild = require('esbuild');
const { installPackages, launchChromium, startServer } = require('./helpers');

const run = promisify(execFile);
const DIR = installPackages();

// What every consumer below checks, written once: a call over fetch, the same record over a
// socket, and a typed 404 whose ClientError is the runtime's one class (shared with the chat
// client's). `url` is the server; `io` is socket.io-client's.
const CHECK = `
export async function check(url, io, api, runtime, chat) {
  const out = { shared: api.ClientError === runtime.ClientError && chat.ClientError === runtime.ClientError };
  const http = api.createClient({ baseUrl: url });
  const todo = await http.createTodo({ title: "from a package" });
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  try {
    const viaSocket = api.createClient({ socket });
    out.same = JSON.stringify(await viaSocket.getTodo(todo.id)) === JSON.stringify(todo);
    try {
      await viaSocket.getTodo(999999);
      out.error = "no error";
    } catch (e) {
      out.error = { runtimeClass: e instanceof runtime.ClientError, chatClass: e instanceof chat.ClientError,
        guard: api.isGetTodoError(e), kind: e.kind, status: e.status, code: e.body && e.body.code };
    }
  } finally {
    socket.close();
  }
  out.priority = api.Priority.High;
  return out;
}
`;

const EXPECTED = {
  shared: true,
  same: true,
  error: { runtimeClass: true, chatClass: true, guard: true, kind: 'status', status: 404, code: 'not_found' },
  priority: 'high',
};

test('npm pack ships the generated files and a package.json that names its peers', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'node_modules', 'todo-client', 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'todo-client');
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.exports['.'].types, './index.d.ts');
  assert.ok(manifest.peerDependencies['@sailroute/client']);
  assert.ok(manifest.peerDependencies['socket.io-client'].startsWith('^4'));
  const files = fs.readdirSync(path.join(DIR, 'node_modules', 'todo-client')).sort();
  assert.deepEqual(files, ['browser.js', 'index.d.ts', 'index.js', 'package.json']);
  // The runtime is installed once, beside the clients, not inside each.
  assert.ok(!fs.existsSync(path.join(DIR, 'node_modules', 'todo-client', 'node_modules')));
  const runtime = JSON.parse(fs.readFileSync(path.join(DIR, 'node_modules', '@sailroute', 'client', 'package.json'), 'utf8'));
  assert.equal(runtime.name, '@sailroute/client');
});

test('the installed package works from Node ESM, over fetch and socket.io-client', async () => {
  const server = await startServer('todo');
  try {
    fs.writeFileSync(path.join(DIR, 'check.mjs'), CHECK);
    fs.writeFileSync(path.join(DIR, 'esm.mjs'), `
import * as api from "todo-client";
import * as runtime from "@sailroute/client";
import * as chat from "chat-client";
import { io } from "socket.io-client";
import { check } from "./check.mjs";
console.log(JSON.stringify(await check(process.argv[2], io, api, runtime, chat)));
`);
    const { stdout } = await run(process.execPath, ['esm.mjs', server.url], { cwd: DIR });
    assert.deepEqual(JSON.parse(stdout), EXPECTED);
  } finally {
    await server.stop();
  }
});

test('tsc type-checks a consumer under nodenext and bundler resolution', async () => {
  fs.writeFileSync(path.join(DIR, 'consumer.ts'), `
import { createClient, ClientError, isGetTodoError, Priority, type Todo } from "todo-client";
import { ClientError as RuntimeError, type ConnectionState } from "@sailroute/client";
import { io } from "socket.io-client";

const client = createClient({ socket: io("http://127.0.0.1:1", { autoConnect: false }) });
export const todo: Promise<Todo> = client.getTodo(1);
export const high: "high" = Priority.High;
export const same: typeof RuntimeError = ClientError;
export const state: ConnectionState = client.connectionState();
export function status(e: unknown): number | undefined {
  return isGetTodoError(e) ? e.status : undefined;
}
// @ts-expect-error: the id is a number
client.getTodo("1");
`);
  const base = {
    strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [],
    skipLibCheck: false, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true,
  };
  const tsc = require.resolve('typescript/bin/tsc');
  for (const [name, options] of [
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ]) {
    const config = path.join(DIR, `tsconfig.${name}.json`);
    fs.writeFileSync(config, JSON.stringify({ compilerOptions: { ...base, ...options }, files: ['consumer.ts'] }, null, 2));
    await run(process.execPath, [tsc, '-p', config], { cwd: DIR }).catch((error) => {
      assert.fail(`tsc (${name}) failed:\n${error.stdout}${error.stderr}`);
    });
  }
});

test('esbuild bundles the installed package for the browser, and it runs in Chromium', async () => {
  fs.writeFileSync(path.join(DIR, 'check.mjs'), CHECK);
  fs.writeFileSync(path.join(DIR, 'entry.mjs'), `
import * as api from "todo-client";
import * as runtime from "@sailroute/client";
import * as chat from "chat-client";
import { io } from "socket.io-client";
import { check } from "./check.mjs";
window.runCheck = () => check(location.origin, io, api, runtime, chat);
`);
  const bundle = await esbuild.build({
    entryPoints: [path.join(DIR, 'entry.mjs')],
    absWorkingDir: DIR,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  const server = await startServer('todo');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The page is on the server's own origin, so its socket passes the default origin policy.
    await page.route(`${server.url}/bundle-page`, (route) => route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><script src="/bundle.js"></script>',
    }));
    await page.route(`${server.url}/bundle.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: script }));
    await page.goto(`${server.url}/bundle-page`);
    assert.deepEqual(await page.evaluate(() => window.runCheck()), EXPECTED);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
