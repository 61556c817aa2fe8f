// Static files of the built renderer (out/renderer) for browser mode; the desktop app's
// app:// protocol uses the same path checks. No token is needed for these: they hold no
// secrets (the token lives in the URL fragment, which browsers never send). Path traversal
// is impossible: the request path is decoded once, every segment is checked ('.', '..',
// dot-files, NUL, backslash and encoded slashes are refused), and the real path of the file
// must still be inside the real static directory.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The relative file path a request path names, or null when it is not a plain path below
 * the static root. `/` names index.html.
 */
export function safeRelativePath(rawUrl: string): string | null {
  const end = rawUrl.search(/[?#]/);
  const rawPath = end === -1 ? rawUrl : rawUrl.slice(0, end);
  if (!rawPath.startsWith('/')) return null;
  // An encoded slash or backslash would let a decoded segment contain a separator.
  if (/%2f|%5c/i.test(rawPath)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded === '/') return 'index.html';
  const segments = decoded.slice(1).split('/');
  for (const s of segments) {
    // Empty segments ('//', trailing '/'), '.', '..' and dot-files are never served.
    if (s === '' || s.startsWith('.')) return null;
  }
  return segments.join('/');
}

export interface StaticHandlerOptions {
  staticDir: string;
  /** Headers sent with every response (CSP and friends). */
  headers: Readonly<Record<string, string>>;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Virtdesk</title></head>
<body><h1>Virtdesk is not built</h1>
<p>The renderer files are missing: run <code>npm run build</code> first (or start browser mode with <code>npm run serve</code>, which builds them).</p>
</body></html>
`;

function sendText(res: ServerResponse, status: number, body: string, headers: Readonly<Record<string, string>>, head: boolean, type = 'text/plain; charset=utf-8'): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': String(buf.length), 'Cache-Control': 'no-store' });
  res.end(head ? undefined : buf);
}

/** The real path of `dir` if it is a directory, else null. */
export function realDir(dir: string): string | null {
  try {
    const real = fs.realpathSync(dir);
    return fs.statSync(real).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

/**
 * The real path and size of `rel` (from safeRelativePath) below the real directory `root`,
 * or null when it is missing, not a regular file, or a symlink that leads out of `root`.
 */
export function fileInside(root: string, rel: string): { file: string; size: number } | null {
  try {
    const file = fs.realpathSync(path.join(root, rel));
    if (!file.startsWith(root + path.sep)) return null;
    const st = fs.statSync(file);
    return st.isFile() ? { file, size: st.size } : null;
  } catch {
    return null;
  }
}

export function createStaticHandler(options: StaticHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Read per request: the server fills them in once it knows its port.
    const headers = options.headers;
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'Method Not Allowed\n', headers, false);
      return;
    }
    const rel = safeRelativePath(req.url ?? '');
    if (rel === null) {
      sendText(res, 404, 'Not Found\n', headers, head);
      return;
    }
    // Resolved per request: `npm run build` may (re)create the directory while we run.
    const root = realDir(options.staticDir);
    const isIndex = rel === 'index.html';
    if (root === null) {
      if (isIndex) sendText(res, 503, NOT_BUILT_PAGE, headers, head, 'text/html; charset=utf-8');
      else sendText(res, 404, 'Not Found\n', headers, head);
      return;
    }
    const found = fileInside(root, rel);
    if (found === null) {
      if (isIndex) sendText(res, 503, NOT_BUILT_PAGE, headers, head, 'text/html; charset=utf-8');
      else sendText(res, 404, 'Not Found\n', headers, head);
      return;
    }
    const { file, size } = found;
    // Vite puts content-hashed files under assets/: those never change.
    const cache = isIndex ? 'no-store' : rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(file), 'Content-Length': String(size), 'Cache-Control': cache });
    if (head) {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}
