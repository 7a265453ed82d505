// A local stand-in for the part of GitHub's REST API the plan comment uses, on 127.0.0.1: list an
// issue's comments (paginated with a Link header, as GitHub does), create one, update one. It
// accepts only its own token, refuses a body over GitHub's limit as GitHub does (422), records
// every request, and can refuse writes with a status (403: a token without pull-requests: write).

import { type IncomingHttpHeaders, type ServerResponse, createServer } from 'node:http'
import { listenOnLoopback } from './loopback.js'

export interface GitHubRequest {
  method: string
  /** Path and query, as sent. */
  target: string
  headers: IncomingHttpHeaders
  body: string
}

export interface StoredComment {
  id: number
  issue: number
  body: string
}

export interface FakeGitHub {
  /** The API's base URL, for GITHUB_API_URL. */
  url: string
  requests: GitHubRequest[]
  comments: StoredComment[]
  /** Stores a comment as someone else wrote it. */
  addComment(issue: number, body: string): StoredComment
  /** Answers every POST and PATCH from now on with this status (undefined: stop refusing). */
  refuseWrites(status: number | undefined): void
  /** Forgets requests and comments and stops refusing. */
  reset(): void
  close(): Promise<void>
}

export const GITHUB_BODY_LIMIT = 65_536

export async function startFakeGitHub(options: { token: string; repository: string; pageSize?: number }): Promise<FakeGitHub> {
  const { token, repository, pageSize = 100 } = options
  const requests: GitHubRequest[] = []
  const comments: StoredComment[] = []
  let nextId = 1000
  let refusal: number | undefined
  let url = ''

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }
  const shown = (comment: StoredComment): Record<string, unknown> => ({
    id: comment.id,
    html_url: `https://github.example/${repository}/pull/${comment.issue}#issuecomment-${comment.id}`,
    body: comment.body,
    user: { login: 'github-actions[bot]', type: 'Bot' }
  })
  const store = (issue: number, body: string): StoredComment => {
    const comment = { id: nextId++, issue, body }
    comments.push(comment)
    return comment
  }

  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const method = req.method ?? ''
      const target = req.url ?? ''
      requests.push({ method, target, headers: req.headers, body })
      if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
        return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
      }
      const parsed = new URL(target, url)
      const list = new RegExp(`^/repos/${repository}/issues/(\\d+)/comments$`).exec(parsed.pathname)
      const one = new RegExp(`^/repos/${repository}/issues/comments/(\\d+)$`).exec(parsed.pathname)
      if ((method === 'POST' || method === 'PATCH') && refusal !== undefined) {
        const message = refusal === 403 ? 'Resource not accessible by integration' : 'Server Error'
        return send(res, refusal, { message, documentation_url: 'https://docs.github.com/rest/issues/comments' })
      }
      if (list && method === 'GET') {
        const issue = Number(list[1])
        const perPage = Math.min(Number(parsed.searchParams.get('per_page') ?? 30), pageSize)
        const page = Number(parsed.searchParams.get('page') ?? 1)
        const all = comments.filter((comment) => comment.issue === issue)
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const link = (n: number): string => `<${url}/repos/${repository}/issues/${issue}/comments?per_page=${perPage}&page=${n}>`
        const headers = page < last ? { link: `${link(page + 1)}; rel="next", ${link(last)}; rel="last"` } : ({} as Record<string, string>)
        return send(res, 200, all.slice((page - 1) * perPage, page * perPage).map(shown), headers)
      }
      const written = ((): { body: string } | undefined => {
        try {
          const json: unknown = JSON.parse(body)
          return typeof json === 'object' && json !== null && typeof (json as { body?: unknown }).body === 'string' ? (json as { body: string }) : undefined
        } catch {
          return undefined
        }
      })()
      if ((list && method === 'POST') || (one && method === 'PATCH')) {
        if (!written) return send(res, 422, { message: 'Invalid request.' })
        if ([...written.body].length > GITHUB_BODY_LIMIT) {
          return send(res, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]
          })
        }
      }
      if (list && method === 'POST' && written) return send(res, 201, shown(store(Number(list[1]), written.body)))
      if (one && method === 'PATCH' && written) {
        const comment = comments.find((stored) => stored.id === Number(one[1]))
        if (!comment) return send(res, 404, { message: 'Not Found' })
        comment.body = written.body
        return send(res, 200, shown(comment))
      }
      send(res, 404, { message: 'Not Found' })
    })
  })
  url = `http://127.0.0.1:${await listenOnLoopback(server)}`

  return {
    url,
    requests,
    comments,
    addComment: store,
    refuseWrites: (status) => (refusal = status),
    reset: () => {
      requests.length = 0
      comments.length = 0
      refusal = undefined
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
