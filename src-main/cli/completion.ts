// `virtdesk completion bash|zsh|fish`: scripts generated from the command table. Names (VMs,
// snapshots) come from `virtdesk __complete <kind>` at completion time, over the same connection
// (--connect on the line being completed, else the environment's default).
import { COMMANDS, visibleCommands, type ArgKind } from './command-table';

const SHARED_FLAGS = ['--connect', '--json', '--help'];
const WORDS: Partial<Record<ArgKind, string>> = {
  'lab-action': 'up start stop reset down status validate list',
  'snapshot-action': 'list create revert delete capabilities',
  shell: 'bash zsh fish',
};

const shellWords = (words: string[]): string => words.join(' ');

export function bashCompletion(): string {
  const cases = COMMANDS.filter((c) => !c.hidden)
    .map((c) => `    ${c.name}) flags=${JSON.stringify(shellWords([...c.flags, ...SHARED_FLAGS]))}; args=${JSON.stringify(shellWords(c.args))} ;;`)
    .join('\n');
  return `# virtdesk bash completion: source <(virtdesk completion bash)
_virtdesk() {
  local cur=\${COMP_WORDS[COMP_CWORD]} w i flags="" args="" kind
  local -a connect=() words=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ $w == --connect ]]; then connect=(--connect "\${COMP_WORDS[i + 1]}"); ((i++)); continue; fi
    [[ $w == -* ]] && continue
    words+=("$w")
  done
  if [[ \${COMP_WORDS[COMP_CWORD - 1]} == --connect ]]; then COMPREPLY=(); return; fi
  if ((\${#words[@]} == 0)); then
    COMPREPLY=($(compgen -W ${JSON.stringify(shellWords([...visibleCommands().map((c) => c.name), '--help', '--help-all', '--version']))} -- "$cur"))
    return
  fi
  case \${words[0]} in
${cases}
    *) return ;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); return; fi
  read -r -a args <<< "$args"
  kind=\${args[\${#words[@]} - 1]}
  local IFS=$'\\n'
  case $kind in
    vm) COMPREPLY=($(compgen -W "$(virtdesk __complete vm "\${connect[@]}" 2>/dev/null)" -- "$cur")) ;;
    snapshot) COMPREPLY=($(compgen -W "$(virtdesk __complete snapshot "\${words[2]}" "\${connect[@]}" 2>/dev/null)" -- "$cur")) ;;
    file) COMPREPLY=($(compgen -f -- "$cur")) ;;
${Object.entries(WORDS).map(([k, v]) => `    ${k}) COMPREPLY=($(compgen -W "${v.split(' ').join('\n')}" -- "$cur")) ;;`).join('\n')}
    *) COMPREPLY=() ;;
  esac
}
complete -o default -F _virtdesk virtdesk
`;
}

/** zsh runs the bash function through bashcompinit (part of zsh). */
export function zshCompletion(): string {
  return `# virtdesk zsh completion: source <(virtdesk completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion()}`;
}

export function fishCompletion(): string {
  const lines = ['# virtdesk fish completion: virtdesk completion fish > ~/.config/fish/completions/virtdesk.fish', 'complete -c virtdesk -f'];
  for (const c of visibleCommands()) lines.push(`complete -c virtdesk -n '__fish_use_subcommand' -a ${c.name} -d ${JSON.stringify(c.summary.slice(0, 60))}`);
  lines.push(`complete -c virtdesk -l connect -r -d 'libvirt URI'`, `complete -c virtdesk -l json -d 'machine-readable output'`, `complete -c virtdesk -s h -l help -d 'help'`);
  for (const c of visibleCommands()) {
    for (const f of c.flags) lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from ${c.name}' -l ${f.slice(2)}`);
    if (c.args.includes('vm')) lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from ${c.name}' -a '(virtdesk __complete vm 2>/dev/null)'`);
    for (const a of c.args) if (WORDS[a]) lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from ${c.name}' -a '${WORDS[a]}'`);
    if (c.args.includes('file')) lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from ${c.name}' -F`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: string | undefined): string | undefined {
  if (shell === 'bash') return bashCompletion();
  if (shell === 'zsh') return zshCompletion();
  if (shell === 'fish') return fishCompletion();
  return undefined;
}
