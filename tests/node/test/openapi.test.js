'use strict';
// The OpenAPI 3.1 and AsyncAPI 3.0 documents the generator writes, checked by established
// validators (@apidevtools/swagger-parser, @asyncapi/parser), and proven right, not only
// valid: openapi-typescript turns the serde fixture's OpenAPI document into TypeScript types
// that must accept exactly what serde_json writes for each fixture type (tsc --strict).

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { ROOT } = require('./helpers');

const run = promisify(execFile);

/** Every checked-in document: the goldens and the todo example's. */
const DOCUMENTS = [
  path.join(ROOT, 'codegen', 'tests', 'golden', 'serde'),
  path.join(ROOT, 'codegen', 'tests', 'golden', 'chat'),
  // Every validation rule as JSON Schema keywords.
  path.join(ROOT, 'codegen', 'tests', 'golden', 'rules'),
  // Blueprint models: their routes, typed queries (JSON text in the query) and messages.
  path.join(ROOT, 'codegen', 'tests', 'golden', 'pets'),
  path.join(ROOT, 'examples', 'todo'),
];

test('swagger-parser validates every OpenAPI document', async () => {
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  for (const dir of DOCUMENTS) {
    const file = path.join(dir, 'openapi.json');
    const api = await SwaggerParser.validate(file);
    assert.equal(api.openapi, '3.1.0', file);
    assert.ok(Object.keys(api.paths).length > 0, file);
  }
});

test('@asyncapi/parser validates every AsyncAPI document without errors or warnings', async () => {
  const { Parser, DiagnosticSeverity } = await import('@asyncapi/parser');
  const parser = new Parser();
  for (const dir of DOCUMENTS) {
    const file = path.join(dir, 'asyncapi.yaml');
    const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'), { source: file });
    // The one informational note is that AsyncAPI 3.1 exists; 3.0 is what is written.
    const serious = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning);
    assert.deepEqual(serious.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`), [], file);
    assert.ok(document, file);
    assert.equal(document.version(), '3.0.0');
  }
});

test('the AsyncAPI documents describe every route, event and resource message', async () => {
  const { Parser } = await import('@asyncapi/parser');
  const file = path.join(ROOT, 'codegen', 'tests', 'golden', 'chat', 'asyncapi.yaml');
  const { document } = await new Parser().parse(fs.readFileSync(file, 'utf8'), { source: file });
  const openapi = JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'openapi.json'), 'utf8'));
  const routes = Object.values(openapi.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)).sort();
  const sends = document.operations().filter((op) => op.action() === 'send').map((op) => op.id()).sort();
  assert.deepEqual(sends, routes);
  for (const op of document.operations().filter((o) => o.action() === 'send')) {
    const request = op.messages().all()[0];
    assert.deepEqual(request.payload().required(), ['method', 'url'], op.id());
    assert.ok(op.reply(), `${op.id()} has a reply`);
    assert.deepEqual(op.reply().messages().all()[0].payload().required(), ['headers', 'statusCode']);
  }
  const received = document.operations().filter((op) => op.action() === 'receive').map((op) => op.id()).sort();
  assert.ok(received.length > 0);
  const names = document.allMessages().all().map((m) => m.name());
  // The chat's typed events and its resource, each by the Socket.IO event name it travels under.
  const golden = fs.readFileSync(path.join(ROOT, 'codegen', 'tests', 'golden', 'chat', 'index.d.ts'), 'utf8');
  for (const [, event] of golden.matchAll(/on\(event: "([^"]+)"/g)) {
    assert.ok(names.includes(event), `the ${event} event or resource has messages`);
  }
});

test('openapi-typescript types from the OpenAPI document accept what serde_json writes (tsc --strict)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sailroute-openapi-ts-'));
  try {
    const golden = path.join(ROOT, 'codegen', 'tests', 'golden', 'serde');
    const cli = path.join(path.dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    await run(process.execPath, [cli, path.join(golden, 'openapi.json'), '-o', path.join(dir, 'openapi.d.ts')]);
    fs.copyFileSync(path.join(golden, 'openapi-samples.mts'), path.join(dir, 'samples.mts'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true,
        module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [],
        // openapi-typescript writes a recursive union (the fixture's untagged `Value`, which
        // holds a list of itself) as a self-referencing property, which tsc reports inside
        // the generated declarations (TS2502) and then reads as `any`: the declarations are
        // not checked themselves, the samples are.
        skipLibCheck: true,
      },
      files: ['samples.mts', 'openapi.d.ts'],
    }));
    const tsc = require.resolve('typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', dir]).catch((error) => {
      assert.fail(`tsc rejected serde's output under the OpenAPI types:\n${error.stdout}${error.stderr}`);
    });
    // And the types are not vacuous: a wrong value is refused.
    fs.appendFileSync(path.join(dir, 'samples.mts'), 'export const wrong: Schemas["Point"] = { x: 1, y: "2" };\n');
    await assert.rejects(run(process.execPath, [tsc, '-p', dir]), (error) => /TS2322/.test(error.stdout));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
