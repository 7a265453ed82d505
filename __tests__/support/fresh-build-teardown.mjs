// globalTeardown of the e2e project: removes the build fresh-build.mjs made, never a given bundle.

import { rmSync } from 'node:fs'
import { BUNDLE_VARIABLE, FRESH_BUILD_VARIABLE } from '../../testing/run-action.mjs'

export default function removeBuild() {
  const out = process.env[FRESH_BUILD_VARIABLE]
  if (!out) return
  rmSync(out, { recursive: true, force: true })
  // Watch mode runs the setup again: it must build anew, not take the removed folder as given.
  delete process.env[FRESH_BUILD_VARIABLE]
  delete process.env[BUNDLE_VARIABLE]
}
