// globalTeardown of the process tier: forgets the bundle fresh-build.mjs named (the build itself
// stays in its cache for the next run).

import { BUNDLE_VARIABLE, FRESH_BUILD_VARIABLE } from '../../testing/run-action.mjs'

export default function forgetBuild() {
  if (!process.env[FRESH_BUILD_VARIABLE]) return
  // Watch mode runs the setup again: it must look at src/ anew, not take this folder as given.
  delete process.env[FRESH_BUILD_VARIABLE]
  delete process.env[BUNDLE_VARIABLE]
}
