#!/usr/bin/env node
/*
 * Renders the wire benchmark's results as an SVG chart with Vega-Lite (the established
 * grammar-of-graphics library; nothing is drawn by hand here): server CPU per operation for each
 * scenario and server, side by side, and the resident memory each idle socket adds.
 *
 *   node bench/wire/chart.mjs <results.json> <out.svg>
 *
 * bench/wire/run.js calls it after every run (docs/benchmarks.svg for a full run,
 * target/bench-work/smoke.svg for a smoke run). Needs `npm ci` in bench/wire (scripts/bench.sh).
 */
import fs from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: chart.mjs <results.json> <out.svg>');
  process.exit(2);
}
const vega = await import('vega');
const vl = await import('vega-lite');

const TITLES = {
  get: 'socket GET',
  post256: 'socket POST 256 B',
  post4k: 'socket POST 4 KiB',
  fanout200: 'fan-out to 200 (per message)',
  fanout1000: 'fan-out to 1000 (per message)',
  wrk: 'HTTP GET (wrk)',
  connrate: 'new connection + one GET',
};
const results = JSON.parse(fs.readFileSync(input, 'utf8'));
const cpu = [];
const idle = [];
for (const [server, byScenario] of Object.entries(results)) {
  for (const [id, r] of Object.entries(byScenario)) {
    if (!r || r.error) continue;
    if (id === 'idle1000' && r.perSocketKb != null) idle.push({ server, kb: +r.perSocketKb.toFixed(1) });
    else if (TITLES[id] && r.perOp != null) cpu.push({ scenario: TITLES[id], server, us: +r.perOp.toFixed(2) });
  }
}
const order = Object.values(TITLES);
const color = { field: 'server', type: 'nominal', scale: { domain: ['sailroute', 'sailroute-minimal', 'sailroute-sio', 'raw', 'sails'], range: ['#1f77b4', '#17becf', '#aec7e8', '#9e9e9e', '#ff7f0e'] }, legend: { title: 'server' } };
const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 } },
  vconcat: [
    {
      title: 'Server CPU per operation, µs (symmetric log scale; lower is better)',
      data: { values: cpu },
      width: 560,
      encoding: {
        y: { field: 'scenario', type: 'nominal', sort: order, title: null },
        yOffset: { field: 'server', sort: ['sailroute', 'sailroute-minimal', 'sailroute-sio', 'raw', 'sails'] },
        x: { field: 'us', type: 'quantitative', scale: { type: 'symlog' }, title: 'µs' },
        color,
      },
      layer: [
        { mark: { type: 'bar', tooltip: true } },
        { mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 }, encoding: { text: { field: 'us' }, color: { value: '#333' } } },
      ],
    },
    {
      title: 'Resident memory per idle socket, KB (lower is better)',
      data: { values: idle },
      width: 560,
      encoding: {
        y: { field: 'server', type: 'nominal', sort: ['sailroute', 'sailroute-minimal', 'sailroute-sio', 'raw', 'sails'], title: null },
        x: { field: 'kb', type: 'quantitative', title: 'KB' },
        color,
      },
      layer: [
        { mark: { type: 'bar', tooltip: true } },
        { mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 }, encoding: { text: { field: 'kb' }, color: { value: '#333' } } },
      ],
    },
  ],
};
const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
fs.writeFileSync(output, await view.toSVG());
console.error(`chart: wrote ${output} (${cpu.length} CPU figures, ${idle.length} idle figures)`);
