//! Benchmarks for sailroute. The wire benchmark (`bench/wire/run.js`) measures the
//! conformance example side by side with Sails and with [`raw-socketioxide`], the floor this
//! stack can reach: a socketioxide server that acks each request without any HTTP machinery.
//!
//! [`raw-socketioxide`]: ../raw_socketioxide/index.html
