// Checks workflows with GitHub's own parser (@actions/workflow-parser: the schema, expressions and
// job graph that github.com applies), plus what that parser leaves to the server: the inputs of a
// step that uses this action, read from action.yml with the same package's action parser.
//
// Every problem is one line, "<file> (Line: L, Col: C): <message>", as the parser writes its own.

import { NoOperationTraceWriter, convertWorkflowTemplate, isMapping, isSequence, isString, parseWorkflow } from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'
import { ErrorPolicy } from '@actions/workflow-parser/model/convert'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'

export interface ActionMetadata {
  /** Input name -> whether a step must give it (required, and no default). */
  inputs: Map<string, { mustGive: boolean; secret: boolean }>
  outputs: Set<string>
  author?: string
  branding?: { icon?: string; color?: string }
  /** The parser's complaints about action.yml itself. */
  problems: string[]
}

export interface CheckOptions {
  /** Matches a `uses:` value that names this action (besides `./`). */
  thisAction: RegExp
  /** Secret inputs (those whose description says "secrets.*") must be given from secrets.*. */
  secretsFromSecrets?: boolean
  /** No ${{ }} inside `run:`: values reach a script through env, where the shell cannot read them as code. */
  noExpressionsInRun?: boolean
  /** The repository's other actions (dataflow/action.yml): the `uses:` values that name each, and its metadata. */
  otherActions?: Array<{ file: string; uses: RegExp; metadata: ActionMetadata }>
}

const trace = new NoOperationTraceWriter()

export function readActionMetadata(name: string, content: string): ActionMetadata {
  const parsed = parseAction({ name, content }, trace)
  const problems = parsed.context.errors.getErrors().map((error) => error.message)
  const metadata: ActionMetadata = { inputs: new Map(), outputs: new Set(), problems }
  if (parsed.value === undefined) return metadata
  const template = convertActionTemplate(parsed.context, parsed.value, { errorPolicy: ErrorPolicy.TryConversion })
  for (const input of template.inputs ?? []) {
    metadata.inputs.set(input.id, {
      mustGive: input.required === true && input.default === undefined,
      secret: /\bsecrets\.\*/.test(input.description ?? '')
    })
  }
  for (const output of template.outputs ?? []) metadata.outputs.add(output.id)
  metadata.author = template.author
  metadata.branding = template.branding
  // Conversion may add its own errors to the same context.
  metadata.problems = unique(parsed.context.errors.getErrors().map((error) => error.message))
  return metadata
}

/** The fenced ```yaml / ```yml blocks of a markdown text, each with the line its first line is on. */
export function yamlBlocks(markdown: string): { line: number; content: string }[] {
  const blocks: { line: number; content: string }[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(yaml|yml)\s*$/.exec(lines[i] ?? '')
    if (!open) continue
    const fence = open[2] ?? '```'
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !(lines[j] ?? '').trim().startsWith(fence); j++) body.push(lines[j] ?? '')
    blocks.push({ line: i + 2, content: body.join('\n') + '\n' })
    i = j
  }
  return blocks
}

/**
 * All problems of one workflow. `firstLine` shifts the line numbers, so that a block taken out of
 * README.md is reported at its lines there.
 */
export async function checkWorkflow(name: string, content: string, action: ActionMetadata, options: CheckOptions, firstLine = 1): Promise<string[]> {
  const padded = '\n'.repeat(firstLine - 1) + content
  const parsed = parseWorkflow({ name, content: padded }, trace)
  if (parsed.value === undefined) return parsed.context.errors.getErrors().map((error) => error.message)
  // Conversion adds what the schema cannot see: the job graph, step ids, cron syntax and so on.
  await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: ErrorPolicy.TryConversion })
  const problems = parsed.context.errors.getErrors().map((error) => error.message)
  if (!isMapping(parsed.value)) return unique(problems)

  const source = padded.split('\n')
  const at = (token: TemplateToken | undefined, message: string) =>
    problems.push(`${name} (Line: ${token?.range?.start.line ?? '?'}, Col: ${token?.range?.start.column ?? '?'}): ${message}`)

  for (const [jobId, job] of entries(parsed.value.find('jobs'))) {
    if (!isMapping(job)) continue
    const steps = job.find('steps')
    if (steps === undefined || !isSequence(steps)) continue
    const stepIds = new Set<string>()
    /** Step id -> the action.yml of ours that step uses, and its file name. */
    const ourSteps = new Map<string, { metadata: ActionMetadata; file: string }>()
    let checkedOut = false
    for (let i = 0; i < steps.count; i++) {
      const step = steps.get(i)
      if (!isMapping(step)) continue
      const id = stringValue(step.find('id'))
      if (id !== undefined) stepIds.add(id)
      const usesToken = step.find('uses')
      const uses = stringValue(usesToken)
      const run = step.find('run')

      if (uses !== undefined && /^actions\/checkout@/.test(uses)) checkedOut = true
      if (!checkedOut && uses !== undefined && uses.startsWith('./')) {
        at(usesToken, `"uses: ${uses}" in job "${jobId}" runs an action from the repository, but no actions/checkout step comes before it.`)
      }
      if (!checkedOut && run !== undefined && /(^|[\s;&|(`"'])\.\/[\w.-]/.test(textOf(source, run))) {
        at(run, `the run step in job "${jobId}" calls a file of the repository (./…), but no actions/checkout step comes before it.`)
      }
      if (options.noExpressionsInRun && run !== undefined && textOf(source, run).includes('${{')) {
        at(run, `the run step in job "${jobId}" writes \${{ }} into its script: pass the value through env: and use "$NAME" instead.`)
      }

      if (uses === undefined) continue
      const other = options.otherActions?.find((candidate) => candidate.uses.test(uses))
      const ours = other ?? (uses === './' || options.thisAction.test(uses) ? { metadata: action, file: 'action.yml' } : undefined)
      if (!ours) continue
      const { metadata, file } = ours
      if (id !== undefined) ourSteps.set(id, { metadata, file })
      const withToken = step.find('with')
      const given = new Map<string, { key: TemplateToken; value: TemplateToken }>()
      for (const [input, value, key] of entries(withToken)) given.set(input, { key, value })
      for (const [input, { key, value }] of given) {
        const known = metadata.inputs.get(input)
        if (known === undefined) {
          at(key, `input "${input}" of "uses: ${uses}" is not an input of ${file} (it has: ${[...metadata.inputs.keys()].join(', ')}).`)
        } else if (options.secretsFromSecrets && known.secret && !/\bsecrets\./.test(textOf(source, value))) {
          at(value, `input "${input}" of "uses: ${uses}" is a secret: give it as \${{ secrets.NAME }}, not in the workflow file.`)
        }
      }
      for (const [input, { mustGive }] of metadata.inputs) {
        if (mustGive && !given.has(input)) at(withToken ?? usesToken, `"uses: ${uses}" in job "${jobId}" lacks the required input "${input}".`)
      }
    }

    // steps.<id>.outputs.<name> in this job: a step that exists, and an output this action sets.
    const first = job.range?.start.line ?? 1
    const last = job.range?.end.line ?? source.length
    for (let line = first; line <= last; line++) {
      for (const match of (source[line - 1] ?? '').matchAll(/\bsteps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g)) {
        const [, stepId = '', output = ''] = match
        const where = `${name} (Line: ${line}, Col: ${(match.index ?? 0) + 1})`
        if (!stepIds.has(stepId)) problems.push(`${where}: job "${jobId}" has no step with id "${stepId}".`)
        else {
          const ours = ourSteps.get(stepId)
          if (ours && !ours.metadata.outputs.has(output))
            problems.push(`${where}: "${output}" is not an output of ${ours.file} (it has: ${[...ours.metadata.outputs].join(', ')}).`)
        }
      }
    }
  }
  return unique(problems)
}

/** [key, value, key token] of a mapping token; nothing for anything else. */
function entries(token: TemplateToken | undefined): [string, TemplateToken, TemplateToken][] {
  if (token === undefined || !isMapping(token)) return []
  const mapping: MappingToken = token
  const pairs: [string, TemplateToken, TemplateToken][] = []
  for (let i = 0; i < mapping.count; i++) {
    const { key, value } = mapping.get(i)
    if (isString(key)) pairs.push([key.value, value, key])
  }
  return pairs
}

function stringValue(token: TemplateToken | undefined): string | undefined {
  return token !== undefined && isString(token) ? token.value : undefined
}

/** The source text of a token (an expression token's value is its parsed form, not the text). */
function textOf(source: string[], token: TemplateToken): string {
  if (isString(token)) return token.value
  return token.range === undefined ? '' : sliceRange(source, token.range)
}

function sliceRange(source: string[], range: { start: { line: number; column: number }; end: { line: number; column: number } }): string {
  const lines = source.slice(range.start.line - 1, range.end.line)
  if (lines.length === 0) return ''
  lines[lines.length - 1] = (lines[lines.length - 1] ?? '').slice(0, range.end.column - 1)
  lines[0] = (lines[0] ?? '').slice(range.start.column - 1)
  return lines.join('\n')
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
