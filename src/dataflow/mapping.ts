// The mapping file: which source column goes to which XDM path. Read from its text (the caller
// reads the file), with every problem reported at once, before any request.

type SourceType = 'ATTRIBUTE' | 'EXPRESSION'

export interface MappingRow {
  /** A column of the table, or an expression when sourceType is EXPRESSION. */
  source: string
  /** An XDM path of the dataset's schema. */
  destination: string
  sourceType: SourceType
}

type MappingRead = { ok: true; rows: MappingRow[] } | { ok: false; problems: string[] }

const SOURCE_TYPES: readonly string[] = ['ATTRIBUTE', 'EXPRESSION']

/** Longest text of a row shown in a problem: a file is the user's, but a line must stay readable. */
const SHOWN = 60

function shown(value: string): string {
  const line = value.replace(/\s+/g, ' ')
  return JSON.stringify(line.length > SHOWN ? `${line.slice(0, SHOWN)}…` : line)
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

/**
 * The rows of a mapping file, or every problem with it, each a sentence naming the file (`path`, as
 * given in the `mapping` input). `text` is undefined when the file does not exist.
 */
export function readMapping(path: string, text: string | undefined): MappingRead {
  const file = `The mapping file ${path}`
  if (text === undefined) return { ok: false, problems: [`${file} does not exist: check the mapping input, a path relative to the repository.`] }
  let parsed: unknown
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    return { ok: false, problems: [`${file} is not valid JSON: it must be an array of {"source": "<column>", "destination": "<xdm path>"}.`] }
  }
  if (!Array.isArray(parsed)) return { ok: false, problems: [`${file} must hold a JSON array of {"source": "<column>", "destination": "<xdm path>"}, not a single value.`] }
  if (parsed.length === 0) return { ok: false, problems: [`${file} is empty: map at least one column.`] }
  const problems: string[] = []
  const rows: MappingRow[] = []
  const rowsByDestination = new Map<string, number[]>()
  parsed.forEach((row: unknown, index) => {
    const at = `${file}, row ${index + 1}`
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push(`${at} is not an object: write {"source": "<column>", "destination": "<xdm path>"}.`)
      return
    }
    const { source, destination, sourceType = 'ATTRIBUTE' } = row as Record<string, unknown>
    const missing = [nonEmpty(source) ? undefined : 'source', nonEmpty(destination) ? undefined : 'destination'].filter(Boolean)
    if (missing.length > 0) problems.push(`${at} has no ${missing.join(' and no ')}: give both as non-empty strings.`)
    if (typeof sourceType !== 'string' || !SOURCE_TYPES.includes(sourceType)) {
      problems.push(`${at} has sourceType ${typeof sourceType === 'string' ? shown(sourceType) : 'that is not a string'}: use ATTRIBUTE (a column, the default) or EXPRESSION.`)
    }
    if (missing.length > 0 || !SOURCE_TYPES.includes(sourceType as string)) return
    const target = (destination as string).trim()
    rowsByDestination.set(target, [...(rowsByDestination.get(target) ?? []), index + 1])
    rows.push({ source: (source as string).trim(), destination: target, sourceType: sourceType as SourceType })
  })
  for (const [destination, at] of rowsByDestination) {
    if (at.length > 1) problems.push(`${file} maps rows ${at.join(', ')} to one destination ${shown(destination)}: each destination takes one source.`)
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows }
}

/** The column sources (ATTRIBUTE rows) that are not among the table's columns, in file order. */
export function unknownSources(rows: readonly MappingRow[], columns: readonly string[]): string[] {
  const known = new Set(columns)
  return rows.filter((row) => row.sourceType === 'ATTRIBUTE' && !known.has(row.source)).map((row) => row.source)
}
