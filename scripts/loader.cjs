#!/usr/bin/env node
// inject-sidecar's start-up loader (scripts/build.mjs copies it to dist/inject-sidecar.js and
// fills in the entry's file name). The program is in chunks/: CommonJS scripts, the entry plus
// the chunks it requires (the Go template engine only when a run renders Istio's templates).
// Each script is compiled with the V8 code cache the build wrote beside it (<script>.cache,
// made after running a small job, so it holds the functions such a run needs): deserializing
// it replaces parsing and compiling (~60 ms of a small run on Node 20). A cache that is missing, or
// one V8 rejects (another Node version or V8 flags), only means a normal compile: never an error.
// The loader never writes (the image is read-only and runs as nobody). Script names carry a
// content hash, so a cache cannot be paired with another build's script of the same name.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const ENTRY = '__ENTRY__';
const dir = join(__dirname, 'chunks');
/** @type {Map<string, { exports: object, script: import('node:vm').Script }>} */
const loaded = new Map();

/** Loads a script of chunks/ (`name` as the bundle requires it, './x.js', or 'x.js') once. */
function load(name) {
  const file = join(dir, name);
  const known = loaded.get(file);
  if (known) return known.exports;
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // no cache: compile normally
  }
  // The file is one function expression, (function (exports, require, module, __filename, __dirname) {...}).
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
  const mod = { exports: {}, script };
  loaded.set(file, mod);
  script.runInThisContext().call(mod.exports, mod.exports, requireFrom, mod, file, dir);
  return mod.exports;
}

/** The scripts require each other by relative path, Node's built-ins by name. */
function requireFrom(id) {
  return id.startsWith('./') ? load(id) : require(id);
}

if (require.main === module) load(ENTRY).main();
// For the build (scripts/build.mjs), which runs a job through the loaded scripts and then asks
// each one for its code cache.
else module.exports = { load, loaded, ENTRY };
