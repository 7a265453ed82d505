// The workflows cannot run here, so they are checked as GitHub would read them: every file in
// .github/workflows, action.yml, and every ```yaml block of the documentation (README.md, dataflow/README.md,
// CONTRIBUTING.md and docs/*.md; each a complete workflow, `on:` included), with GitHub's own parser. A step that uses this action (`uses: ./`, or
// `<owner>/aep-mysql-connection-action@<ref>`) is checked against action.yml: no unknown input, no
// required one missing, only outputs action.yml declares. See support/workflow-check.ts.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DESCRIPTION_LIMIT, marketplaceProblems, readMarketplaceFields } from '../script/action-metadata.mjs'
import { type CheckOptions, checkWorkflow, readActionMetadata, yamlBlocks } from './support/workflow-check.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

const NAME = (JSON.parse(read('package.json')) as { name: string }).name
const THIS_ACTION = new RegExp(`^[\\w.-]+/${NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@[^\\s/]+$`)
const ACTION = readActionMetadata('action.yml', read('action.yml'))
const DATAFLOW_ACTION = readActionMetadata('dataflow/action.yml', read('dataflow/action.yml'))
// The dataflow action: `uses: ./dataflow`, or `<owner>/<this repository>/dataflow@<ref>`.
const OTHER_ACTIONS = [
  {
    file: 'dataflow/action.yml',
    uses: new RegExp(`^(\\./dataflow|[\\w.-]+/${NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/dataflow@[^\\s/]+)$`),
    metadata: DATAFLOW_ACTION
  }
]
const WORKFLOW_DIR = '.github/workflows'
const WORKFLOWS = readdirSync(join(ROOT, WORKFLOW_DIR))
  .filter((file) => /\.ya?ml$/.test(file))
  .sort()
  .map((file) => `${WORKFLOW_DIR}/${file}`)
const DOCS = [
  'README.md',
  'dataflow/README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => `docs/${file}`)
]
const DOC_BLOCKS = DOCS.flatMap((file) => yamlBlocks(read(file)).map((block) => [file, block.line, block.content] as const))

/** Fails with every problem on its own line, under the name of what was checked. */
function expectNoProblems(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what} has ${problems.length} problem(s):\n${problems.join('\n')}`)
}

test('dataflow/action.yml is valid action metadata, with what the Marketplace asks of an action', () => {
  expectNoProblems('dataflow/action.yml', DATAFLOW_ACTION.problems)
  expect(marketplaceProblems(read('dataflow/action.yml'))).toEqual([])
})

describe('action.yml', () => {
  test('is valid action metadata for GitHub and the Marketplace', () => {
    expectNoProblems('action.yml', ACTION.problems)
    // The parser checks icon and colour against the Marketplace's lists; these make them present.
    expect(ACTION.author).toBeTruthy()
    expect(ACTION.branding?.icon).toBeTruthy()
    expect(ACTION.branding?.color).toBeTruthy()
    expect(ACTION.inputs.size).toBeGreaterThan(0)
  })

  test('meets what the Marketplace asks before it lists a release', () => {
    expect(marketplaceProblems(read('action.yml'))).toEqual([])
    // The release script reads action.yml without a YAML library: it must read what the parser reads.
    const fields = readMarketplaceFields(read('action.yml'))
    const parsed = parse(read('action.yml')) as { name: string; description: string; author: string; branding: { icon: string; color: string } }
    expect(fields).toEqual(
      expect.objectContaining({
        name: parsed.name,
        description: parsed.description,
        author: parsed.author,
        'branding.icon': parsed.branding.icon,
        'branding.color': parsed.branding.color
      })
    )
  })
})

describe('the Marketplace check refuses', () => {
  const metadata = read('action.yml')
  test.each([
    ['a description of 125 characters', metadata.replace(/^description: .*$/m, `description: '${'x'.repeat(DESCRIPTION_LIMIT)}'`), 'description is 125 characters'],
    ['no author', metadata.replace(/^author: .*\n/m, ''), 'action.yml has no author'],
    ['no name', metadata.replace(/^name: .*\n/m, ''), 'action.yml has no name'],
    ['no branding', metadata.replace(/^branding:\n(?: {2}.*\n)+/m, ''), 'action.yml has no branding: icon']
  ])('%s', (_, text, expected) => {
    expect(marketplaceProblems(text).join('\n')).toContain(expected)
  })

  test('a description of 124 characters passes', () => {
    expect(marketplaceProblems(metadata.replace(/^description: .*$/m, `description: "${'x'.repeat(DESCRIPTION_LIMIT - 1)}"`))).toEqual([])
  })
})

describe('workflows in .github/workflows', () => {
  test('include CI', () => {
    expect(WORKFLOWS).toContain(`${WORKFLOW_DIR}/ci.yml`)
  })

  test.each(WORKFLOWS)('%s', async (file) => {
    expectNoProblems(file, await checkWorkflow(file, read(file), ACTION, { thisAction: THIS_ACTION, otherActions: OTHER_ACTIONS }))
  })
})

describe('workflows in the documentation', () => {
  test('there are some, in the README, the dataflow README and in docs/', () => {
    expect(DOC_BLOCKS.filter(([file]) => file === 'README.md').length).toBeGreaterThanOrEqual(5)
    expect(DOC_BLOCKS.filter(([file]) => file === 'dataflow/README.md').length).toBeGreaterThan(0)
    expect(DOC_BLOCKS.filter(([file]) => file.startsWith('docs/')).length).toBeGreaterThan(0)
  })

  test.each(DOC_BLOCKS)('%s: the ```yaml block at line %i', async (file, line, content) => {
    // Pasted by users, so stricter: secrets only from secrets.*, and values into scripts only through env.
    const options: CheckOptions = { thisAction: THIS_ACTION, secretsFromSecrets: true, noExpressionsInRun: true, otherActions: OTHER_ACTIONS }
    expectNoProblems(`${file}'s block at line ${line}`, await checkWorkflow(file, content, ACTION, options, line))
  })
})

// A job without a limit runs for six hours when something hangs; one without a concurrency group
// keeps running for pushes that newer ones have replaced.
describe('every job of every workflow', () => {
  interface Job {
    'timeout-minutes'?: number
    concurrency?: string | { group: string }
    'runs-on'?: string
    strategy?: { matrix?: Record<string, unknown> }
  }
  const jobs = WORKFLOWS.flatMap((file) => Object.entries((parse(read(file)) as { jobs: Record<string, Job> }).jobs).map(([id, job]) => [file, id, job] as const))

  test.each(jobs)('%s: job %s has a time limit and a concurrency group', (_, id, job) => {
    expect({ id, timeout: job['timeout-minutes'] }).toEqual({ id, timeout: expect.any(Number) })
    const group = typeof job.concurrency === 'string' ? job.concurrency : job.concurrency?.group
    expect({ id, group }).toEqual({ id, group: expect.stringMatching(/\S/) })
    // A matrix job shares its group across the matrix unless the group names the matrix value.
    if (job.strategy?.matrix !== undefined) expect(group).toMatch(/\$\{\{\s*matrix\./)
  })

  test('the self-test runs on Linux, macOS and Windows, its run steps in bash', () => {
    const ci = parse(read(`${WORKFLOW_DIR}/ci.yml`)) as { jobs: Record<string, Job & { defaults?: { run?: { shell?: string } } }> }
    const selfTest = ci.jobs['self-test']
    expect(selfTest?.strategy?.matrix?.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
    expect(selfTest?.['runs-on']).toBe('${{ matrix.os }}')
    expect(selfTest?.defaults?.run?.shell).toBe('bash')
  })

  test('CodeQL scans the JavaScript and TypeScript', () => {
    const codeql = read(`${WORKFLOW_DIR}/codeql.yml`)
    expect(codeql).toContain('github/codeql-action/analyze@')
    expect(codeql).toMatch(/languages:\s*javascript-typescript/)
  })

  test('CODEOWNERS names an owner for every file', () => {
    expect(read('.github/CODEOWNERS')).toMatch(/^\*\s+@\S+/m)
  })
})

test('.github/dependabot.yml updates npm and the actions the workflows use', () => {
  expect(existsSync(join(ROOT, '.github/dependabot.yml'))).toBe(true)
  const config = parse(read('.github/dependabot.yml')) as { version: number; updates: { 'package-ecosystem': string; directory: string }[] }
  expect(config.version).toBe(2)
  expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
})

// The checks above pass only if the checker can fail: each broken workflow here must be caught,
// with the line of the problem and a message that says what is wrong.
describe('the check catches', () => {
  const job = (steps: string) => `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`
  const ours = (inputs: string, extra = '') =>
    `      - id: mysql\n        uses: octo-org/${NAME}@v1\n        with:\n          client-id: x\n          ims-org-id: y\n${inputs}${extra}`

  test.each([
    ['a workflow without on:', 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n', 'Line: 1, Col: 1): Required property is missing: on'],
    ['invalid YAML', 'on: push\njobs:\n  a: [\n', 'Flow sequence in block collection'],
    ['a key the schema does not know', job('      - run: echo\n        bogus: 1\n'), "Line: 7, Col: 9): Unexpected value 'bogus'"],
    ['an unknown expression context', job('      - run: echo ${{ sercets.X }}\n'), "Unrecognized named-value: 'sercets'"],
    ['an unknown input of this action', job(ours('          hots: db.example.com\n')), 'Line: 11, Col: 11): input "hots" of "uses: octo-org/'],
    ['a missing required input', job(`      - uses: octo-org/${NAME}@v1\n        with:\n          client-id: x\n`), 'lacks the required input "ims-org-id"'],
    ['a step of ./ without a checkout', job('      - uses: ./\n        with:\n          client-id: x\n          ims-org-id: y\n'), 'no actions/checkout step comes before it'],
    ['a run step calling a repository file without a checkout', job('      - run: ./test.sh\n'), 'calls a file of the repository'],
    ['an output action.yml does not declare', job(ours('', '      - run: echo ${{ steps.mysql.outputs.connection_id }}\n')), '"connection_id" is not an output of action.yml'],
    ['an output of a step that does not exist', job('      - run: echo ${{ steps.nope.outputs.x }}\n'), 'job "deploy" has no step with id "nope"']
  ])('%s', async (_, content, expected) => {
    const problems = await checkWorkflow('broken.yml', content, ACTION, { thisAction: THIS_ACTION })
    expect(problems.join('\n')).toContain(expected)
  })

  test('a secret typed into a README workflow, reported at its README line', async () => {
    const markdown = ['# Title', '', '```yaml', job(ours('          password: hunter2\n')).trimEnd(), '```', ''].join('\n')
    const [block = { line: 0, content: '' }] = yamlBlocks(markdown)
    const problems = await checkWorkflow('README.md', block.content, ACTION, { thisAction: THIS_ACTION, secretsFromSecrets: true }, block.line)
    expect(problems).toEqual([expect.stringContaining('README.md (Line: 14, Col: 21): input "password"')])
  })

  test('an output written into a script in a documented workflow, at its line', async () => {
    const steps = ours('', '      - run: echo "${{ steps.mysql.outputs.connection-id }}"\n')
    const problems = await checkWorkflow('README.md', job(steps), ACTION, { thisAction: THIS_ACTION, noExpressionsInRun: true })
    expect(problems).toEqual([expect.stringContaining('README.md (Line: 11, Col: 14): the run step in job "deploy" writes ${{ }} into its script')])
  })

  test('an icon the Marketplace does not offer, and an unknown key in action.yml', () => {
    const broken = read('action.yml')
      .replace(/^ {2}icon: .*$/m, "  icon: 'databse'")
      .replace(/^runs:$/m, 'run:')
    const problems = readActionMetadata('action.yml', broken).problems.join('\n')
    expect(problems).toContain("Unexpected value 'databse'")
    expect(problems).toContain("Unexpected value 'run'")
  })

  test.each([
    ['an unknown input of ./dataflow', '          tabel: orders\n', '', 'input "tabel" of "uses: ./dataflow" is not an input of dataflow/action.yml'],
    ['a missing required input of the dataflow action', '', '', 'lacks the required input "mapping"'],
    [
      'an output dataflow/action.yml does not declare',
      '          mapping: m.json\n',
      '      - run: ./use.sh "${{ steps.flow.outputs.connection-id }}"\n',
      '"connection-id" is not an output of dataflow/action.yml'
    ]
  ])('%s', async (_, inputs, extra, expected) => {
    const steps = `      - uses: actions/checkout@v6\n      - uses: ./dataflow\n        id: flow\n        with:\n          client-id: x\n          ims-org-id: y\n          connection-id: c\n          table: t\n          dataset-id: d\n${inputs}${extra}`
    const problems = await checkWorkflow('broken.yml', job(steps), ACTION, { thisAction: THIS_ACTION, otherActions: OTHER_ACTIONS })
    expect(problems.join('\n')).toContain(expected)
  })

  test('a correct workflow: nothing', async () => {
    const steps = `      - uses: actions/checkout@v6\n      - uses: ./\n        id: mysql\n        with:\n          client-id: x\n          ims-org-id: y\n      - run: ./use.sh "\${{ steps.mysql.outputs.connection-id }}"\n`
    expect(await checkWorkflow('good.yml', job(steps), ACTION, { thisAction: THIS_ACTION })).toEqual([])
  })
})
