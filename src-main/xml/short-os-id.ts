// The short OS name the VM list shows (its own module: the CLI's one-shot list uses it without
// loading the XML parsers).

/** "http://debian.org/debian/12" → "debian12"; "http://microsoft.com/win/11" → "win11". */
export function shortOsId(id: string): string {
  const parts = id.replace(/^[a-z]+:\/\/[^/]+\//i, '').split('/').filter(Boolean);
  if (parts.length >= 2) return `${parts[parts.length - 2]}${parts[parts.length - 1]}`;
  return parts[0] ?? id;
}
