'use strict';
// The served /sailroute.js carries the @sailroute/client runtime (client-js/index.js) for
// classic scripts, as `window.sailroute.runtime`: this builds that file with esbuild, or with
// `--check` fails when the checked-in copy (runtime/src/browser/client-runtime.js) is stale.
//   node scripts/runtime-bundle.js [--check]

const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE = path.join(ROOT, 'client-js', 'index.js');
const TARGET = path.join(ROOT, 'runtime', 'src', 'browser', 'client-runtime.js');

async function bundle() {
  const result = await esbuild.build({
    entryPoints: [SOURCE],
    bundle: true,
    format: 'iife',
    globalName: 'sailroute.runtime',
    target: 'es2020',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    banner: { js: '// @sailroute/client (client-js/index.js), built by tests/node/scripts/runtime-bundle.js: do not edit.' },
  });
  return result.outputFiles[0].text;
}

async function main() {
  const text = await bundle();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(TARGET) ? fs.readFileSync(TARGET, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(ROOT, TARGET)} is out of date: run \`node tests/node/scripts/runtime-bundle.js\``);
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(TARGET, text);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { bundle, TARGET };
