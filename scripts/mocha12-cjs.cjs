// @ts-check
/* global require */
/**
 * Preloaded (`node --require`) by `npm run mutate`: lets @stryker-mutator/mocha-runner 10.1.1 load Mocha 12.
 *
 * The runner requires Mocha's CLI internals without an extension (`mocha/lib/cli/run-helpers`, `options`,
 * `collect-files`); Mocha 12 ships them as `.cjs` files, which `require` does not try, so the runner fails to load
 * ("Cannot find module .../mocha/lib/cli/run-helpers"; stryker-js pull request #6205 fixes it upstream). This hook
 * retries exactly those failed requests with `.cjs`; every other resolution is untouched. Remove it once a
 * mocha-runner release loads Mocha 12.
 */
const Module = require("node:module");
const path = require("node:path");

const cli = `${path.sep}mocha${path.sep}lib${path.sep}cli${path.sep}`;
// @ts-expect-error internal API, stable since Node 0.x
const resolve = Module._resolveFilename;
// @ts-expect-error internal API
Module._resolveFilename = function (request, ...rest) {
    try {
        return resolve.call(this, request, ...rest);
    } catch (e) {
        if (typeof request === "string" && request.includes(cli) && !path.extname(request)) return resolve.call(this, `${request}.cjs`, ...rest);
        throw e;
    }
};
