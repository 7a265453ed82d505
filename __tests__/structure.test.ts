// Facts that hold the code together: one place for each input's default, and the one module
// that reaches into @actions/core's files by path.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DEFAULTS } from '../src/inputs.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src')
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }

test('action.yml and src/inputs.ts declare the same default for every input', () => {
  const declared = Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, String(input.default)])
  )
  expect(declared).toEqual(DEFAULTS)
})

const DEEP_IMPORT = /from '(\.\.\/node_modules\/[^']+)'/g

test('only src/runner.ts imports files of node_modules by path', () => {
  // Recursive: src/ has folders (src/dataflow/).
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
  const importers = sources.filter((file) => readFileSync(join(SRC, file), 'utf8').match(DEEP_IMPORT))
  expect(importers).toEqual(['runner.ts'])
})

test('the files src/runner.ts imports by path exist in the installed packages', () => {
  const text = readFileSync(join(SRC, 'runner.ts'), 'utf8')
  const paths = [...text.matchAll(DEEP_IMPORT)].map((match) => match[1] ?? '')
  expect(paths.length).toBeGreaterThan(0)
  const missing = paths.filter((path) => !existsSync(resolve(SRC, path)))
  if (missing.length > 0) {
    throw new Error(
      `src/runner.ts imports ${missing.join(', ')}, which the installed @actions packages no longer have: an update moved their internal files. ` +
        'Find where the workflow-command functions (issueCommand, issueFileCommand, prepareKeyValueMessage) now live and update the imports in src/runner.ts.'
    )
  }
})
