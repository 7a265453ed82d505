// What the GitHub Marketplace asks of action.yml before it lists a release: a name, a description
// shorter than 125 characters (the release form refuses 125 or more), an author, and branding with
// an icon and a colour. Used by npm run release and by the tests, so the rule lives here once.
//
// Reads only the top-level scalars and the branding block, without a YAML library: the release
// script needs nothing beyond Node and git.

export const DESCRIPTION_LIMIT = 125

/** The top-level `key: value` scalars of action.yml and the two branding keys; quotes removed. */
export function readMarketplaceFields(text) {
  const fields = {}
  let block = ''
  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Za-z-]+):\s*(.*)$/.exec(line)
    if (top) {
      block = top[1]
      if (top[2] !== '' && !top[2].startsWith('#')) fields[top[1]] = unquote(top[2])
      continue
    }
    const nested = /^\s+(icon|color):\s*(.*)$/.exec(line)
    if (block === 'branding' && nested) fields[`branding.${nested[1]}`] = unquote(nested[2])
  }
  return fields
}

function unquote(value) {
  const trimmed = value.trim()
  if (/^'.*'$/.test(trimmed)) return trimmed.slice(1, -1).replaceAll("''", "'")
  if (/^".*"$/.test(trimmed)) return trimmed.slice(1, -1).replace(/\\(.)/g, '$1')
  return trimmed.replace(/\s+#.*$/, '')
}

/** One sentence per thing the Marketplace would refuse; empty when it would list the action. */
export function marketplaceProblems(text) {
  const fields = readMarketplaceFields(text)
  const problems = []
  for (const [key, input] of [
    ['name', 'name'],
    ['description', 'description'],
    ['author', 'author'],
    ['branding.icon', 'branding: icon'],
    ['branding.color', 'branding: color']
  ]) {
    if (!fields[key]) problems.push(`action.yml has no ${input}, which the Marketplace requires.`)
  }
  const description = fields.description ?? ''
  if (description.length >= DESCRIPTION_LIMIT) {
    problems.push(`action.yml's description is ${description.length} characters; the Marketplace takes fewer than ${DESCRIPTION_LIMIT}: shorten it.`)
  }
  return problems
}
