// Saves a Blob as a file download (screenshots, serial logs). Browser mode: the browser's
// download; Electron: its default download handling (a save dialog).
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Resolves to the value, or to `fallback` after `ms` (e.g. a clipboard permission prompt nobody answers). */
export function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** navigator.clipboard.readText() when the page may read the clipboard; null otherwise (never throws). */
export async function readClipboardIfPermitted(timeoutMs = 1500): Promise<string | null> {
  try {
    if (!navigator.clipboard?.readText) return null;
    try {
      const p = await navigator.permissions.query({ name: 'clipboard-read' as PermissionName });
      if (p.state === 'denied') return null;
    } catch {
      /* permission name unknown to this browser: just try */
    }
    return await withTimeout<string | null>(navigator.clipboard.readText(), timeoutMs, null);
  } catch {
    return null;
  }
}
