'use strict';
// schemathesis (from PyPI, installed by scripts/test.sh into target/py) runs the todo example's
// checked-in OpenAPI document against the live todo server with its default checks: every
// request it generates must get an answer the document describes (status code, content type,
// body schema, headers), none may be a 5xx, schema-valid data must be accepted (the title's
// `#[garde(...)]` rules are in the schema) and schema-violating data refused. A fixed seed
// keeps the run reproducible.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, TARGET, startServer } = require('./helpers');

const ST = process.env.SCHEMATHESIS || path.join(TARGET, 'py', 'bin', 'st');

test('schemathesis: the todo server answers as its OpenAPI document says', async () => {
  assert.ok(fs.existsSync(ST), `${ST} is missing: scripts/test.sh installs schemathesis into target/py`);
  const server = await startServer('todo');
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sailroute-schemathesis-'));
  try {
    const args = [
      'run', path.join(ROOT, 'examples', 'todo', 'openapi.json'),
      '--url', server.url,
      '--max-examples', '50',
      '--seed', '1',
      '--no-color',
    ];
    const { code, output } = await new Promise((resolve) => {
      execFile(ST, args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } },
        (error, stdout, stderr) => resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}` }));
    });
    assert.equal(code, 0, `schemathesis failed:\n${output}`);
    // It did test every operation, and generated requests.
    assert.match(output, /Selected: 8\/8/);
    assert.match(output, /Tested: 8/);
    const [, generated] = output.match(/(\d+) generated/) || [];
    assert.ok(Number(generated) > 100, output);
    assert.ok(server.alive(), 'the server is still up');
  } finally {
    await server.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});
