// CodeMirror (≈ 400 kB minified) is loaded when an XML editor first opens, not with the lists.
let code: Promise<typeof import('./XmlEditorCode.svelte')> | null = null;

export function loadXmlEditorCode(): Promise<typeof import('./XmlEditorCode.svelte')> {
  code ??= import('./XmlEditorCode.svelte').catch((e: unknown) => {
    code = null; // e.g. the server restarted with a new build: let a retry load again
    throw e;
  });
  return code;
}
