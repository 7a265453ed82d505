// check-dist: the committed bundle must be the build of src/, or users run code nobody tested.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './support/run-action.js'

test('dist/ is the ncc build of src/', () => {
  const out = mkdtempSync(join(tmpdir(), 'check-dist-'))
  try {
    const build = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build as string
    const args = build.replace(/^ncc /, '').replace('-o dist', `-o ${out}`).split(' ')
    execFileSync(process.execPath, [join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js'), ...args], { cwd: ROOT, stdio: 'pipe' })
    const built = readdirSync(out).sort()
    expect(readdirSync(join(ROOT, 'dist')).sort()).toEqual(built)
    for (const file of built) {
      // Not toEqual on the text: a 600 kB diff would bury the one line that says what to do.
      const same = readFileSync(join(out, file)).equals(readFileSync(join(ROOT, 'dist', file)))
      if (!same) throw new Error(`dist/${file} is not the build of src/: run "npm run build" and commit dist/.`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 120_000)
