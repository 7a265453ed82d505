// check-dist: the committed bundle must be the build of src/, or users run code nobody tested.
// The build compared is the one the other process-tier suites run, made (or reused) by globalSetup.

import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { COMMITTED_DIST, FRESH_BUILD_VARIABLE, freshBundle } from '../testing/run-action.mjs'

const TO_FIX = 'run "npm run build" and commit dist/.'

if (process.env[FRESH_BUILD_VARIABLE] === undefined) {
  process.stderr.write(`dist.process.test.ts skipped: the suites ran a given bundle (${freshBundle()}), not a fresh build of src/\n`)
  test.skip('dist/ is the ncc build of src/ (needs the fresh build)', () => undefined)
} else {
  test('dist/ is the ncc build of src/', () => {
    const fresh = freshBundle()
    // Both actions' bundles: dist/ and dist/dataflow/.
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
        .sort()
    const built = files(fresh)
    const committed = files(COMMITTED_DIST)
    if (committed.join() !== built.join()) {
      throw new Error(`dist/ holds ${committed.join(', ')} but the build of src/ makes ${built.join(', ')}: ${TO_FIX}`)
    }
    for (const file of built) {
      // Not toEqual on the text: a 600 kB diff would bury the one line that says what to do.
      const same = readFileSync(join(fresh, file)).equals(readFileSync(join(COMMITTED_DIST, file)))
      if (!same) throw new Error(`dist/${file} is not the build of src/: ${TO_FIX}`)
    }
  })
}
