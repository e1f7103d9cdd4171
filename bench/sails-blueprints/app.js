/**
 * Sails 1.5.18 as a new app is for the User / Pet pair (api/models): the ORM on sails-disk (its
 * default embedded adapter), RESTful blueprints with autoWatch, resourceful pub-sub, numeric
 * auto-increment ids and millisecond timestamps (a new app's config/models.js). Lifted
 * programmatically like ../../shared/bench/loadgen/sails-app; sessions, views and grunt off.
 *
 *   npm ci && NODE_ENV=production PORT=1337 node app.js
 */
'use strict';
process.env.NODE_ENV = process.env.NODE_ENV || 'production';

const path = require('node:path');
const sails = require('sails');

const PORT = Number(process.env.PORT || 1337);

sails.lift({
  appPath: __dirname,
  port: PORT,
  environment: process.env.NODE_ENV,
  log: { level: process.env.SAILS_LOG || 'warn' },
  hooks: { grunt: false, views: false, i18n: false, session: false },
  orm: { skipProductionWarnings: true },
  models: {
    // A new app's config/models.js. Production allows only `safe`: the benchmark starts each
    // run on an empty database by removing .tmp/ first.
    migrate: 'safe',
    attributes: {
      createdAt: { type: 'number', autoCreatedAt: true },
      updatedAt: { type: 'number', autoUpdatedAt: true },
      id: { type: 'number', autoIncrement: true },
    },
    dataEncryptionKeys: { default: 'bench-not-secret-bench-not-secret-00000000000=' },
  },
  datastores: { default: { adapter: 'sails-disk', dir: path.join(__dirname, '.tmp', 'localDiskDb') } },
  blueprints: { rest: true, actions: false, shortcuts: false, autoWatch: true },
  security: { csrf: false },
  sockets: { onlyAllowOrigins: [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`] },
}, (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(JSON.stringify({ lifted: true, port: PORT }));
});
