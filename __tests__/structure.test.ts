// Facts that hold the code together: one place for each input's default, and the one module
// that reaches into @actions/core's files by path.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DEFAULTS } from '../src/settings/inputs.js'
import { INPUT, OUTPUT } from '../src/settings/names.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src')
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown> }

test('src/settings/names.ts names exactly the inputs and outputs action.yml declares', () => {
  expect(Object.values(INPUT).sort()).toEqual(Object.keys(action.inputs).sort())
  expect(Object.values(OUTPUT).sort()).toEqual(Object.keys(action.outputs).sort())
})

test('action.yml and src/settings/inputs.ts declare the same default for every input', () => {
  // An expression (github-token's ${{ github.token }}) is the runner's to evaluate: the action only ever sees its value.
  const declared = Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined && !String(input.default).includes('${{'))
      .map(([name, input]) => [name, String(input.default)])
  )
  expect(declared).toEqual(DEFAULTS)
})

const DEEP_IMPORT = /from '((?:\.\.\/)+node_modules\/[^']+)'/g

const RUNNER_COMMANDS = 'runner/workflow-commands.ts'

test(`only src/${RUNNER_COMMANDS} imports files of node_modules by path`, () => {
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
  const importers = sources.filter((file) => readFileSync(join(SRC, file), 'utf8').match(DEEP_IMPORT)).map((file) => file.split('\\').join('/'))
  expect(importers).toEqual([RUNNER_COMMANDS])
})

test(`the files src/${RUNNER_COMMANDS} imports by path exist in the installed packages`, () => {
  const text = readFileSync(join(SRC, RUNNER_COMMANDS), 'utf8')
  const paths = [...text.matchAll(DEEP_IMPORT)].map((match) => match[1] ?? '')
  expect(paths.length).toBeGreaterThan(0)
  const missing = paths.filter((path) => !existsSync(resolve(SRC, dirname(RUNNER_COMMANDS), path)))
  if (missing.length > 0) {
    throw new Error(
      `src/${RUNNER_COMMANDS} imports ${missing.join(', ')}, which the installed @actions packages no longer have: an update moved their internal files. ` +
        `Find where the workflow-command functions (issueCommand, issueFileCommand, prepareKeyValueMessage) now live and update the imports in src/${RUNNER_COMMANDS}.`
    )
  }
})
