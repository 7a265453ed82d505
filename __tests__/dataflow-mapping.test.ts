import { readMapping, unknownSources } from '../src/dataflow/mapping.js'

const FILE = 'mappings/orders.json'

function problemsOf(text: string | undefined): string[] {
  const read = readMapping(FILE, text)
  if (read.ok) throw new Error('expected problems')
  return read.problems
}

describe('readMapping', () => {
  it('reads rows, defaulting sourceType to ATTRIBUTE and trimming', () => {
    const text = JSON.stringify([
      { source: 'id', destination: '_id' },
      { source: ' name ', destination: 'person.name.fullName', sourceType: 'ATTRIBUTE' },
      { source: "concat(first, ' ', last)", destination: 'person.name.display', sourceType: 'EXPRESSION' }
    ])
    expect(readMapping(FILE, text)).toEqual({
      ok: true,
      rows: [
        { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' },
        { source: 'name', destination: 'person.name.fullName', sourceType: 'ATTRIBUTE' },
        { source: "concat(first, ' ', last)", destination: 'person.name.display', sourceType: 'EXPRESSION' }
      ]
    })
  })

  it('accepts a byte-order mark', () => {
    expect(readMapping(FILE, '\uFEFF[{"source":"id","destination":"_id"}]').ok).toBe(true)
  })

  it.each([
    ['a missing file', undefined, /does not exist/],
    ['text that is not JSON', '[{"source": "id",', /is not valid JSON/],
    ['a single object', '{"source":"id","destination":"_id"}', /must hold a JSON array/],
    ['an empty array', '[]', /is empty/]
  ])('one problem for %s', (_, text, message) => {
    const problems = problemsOf(text)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(message)
    expect(problems[0]).toContain(FILE)
  })

  it('reports every row problem at once, each naming its row', () => {
    const problems = problemsOf(
      JSON.stringify([
        { source: 'id', destination: '_id' },
        { destination: 'a' },
        { source: 'x', destination: '  ' },
        'not a row',
        { source: 'y', destination: 'b', sourceType: 'attribute' },
        { source: 'name', destination: '_id' },
        { source: 'z' },
        { source: 'w', destination: '_id' }
      ])
    )
    expect(problems).toEqual([
      `The mapping file ${FILE}, row 2 has no source: give both as non-empty strings.`,
      `The mapping file ${FILE}, row 3 has no destination: give both as non-empty strings.`,
      `The mapping file ${FILE}, row 4 is not an object: write {"source": "<column>", "destination": "<xdm path>"}.`,
      `The mapping file ${FILE}, row 5 has sourceType "attribute": use ATTRIBUTE (a column, the default) or EXPRESSION.`,
      `The mapping file ${FILE}, row 7 has no destination: give both as non-empty strings.`,
      `The mapping file ${FILE} maps rows 1, 6, 8 to one destination "_id": each destination takes one source.`
    ])
  })

  it('a row with neither says both, and a non-string sourceType is named as such', () => {
    expect(problemsOf('[{"sourceType": 3}]')).toEqual([
      `The mapping file ${FILE}, row 1 has no source and no destination: give both as non-empty strings.`,
      `The mapping file ${FILE}, row 1 has sourceType that is not a string: use ATTRIBUTE (a column, the default) or EXPRESSION.`
    ])
  })

  it('cuts long and multi-line values it quotes', () => {
    const [problem] = problemsOf(
      JSON.stringify([
        { source: 'a', destination: 'd' },
        { source: 'b', destination: 'd' },
        { source: 'c', destination: 'e', sourceType: 'X\n'.repeat(50) }
      ])
    )
    expect(problem).not.toContain('\n')
    expect(problem!.length).toBeLessThan(200)
  })
})

describe('unknownSources', () => {
  it('lists the column sources the table does not have; expressions are not columns', () => {
    const rows = [
      { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' as const },
      { source: 'nmae', destination: 'a', sourceType: 'ATTRIBUTE' as const },
      { source: 'upper(name)', destination: 'b', sourceType: 'EXPRESSION' as const }
    ]
    expect(unknownSources(rows, ['id', 'name'])).toEqual(['nmae'])
    expect(unknownSources(rows, ['id', 'nmae'])).toEqual([])
  })
})
