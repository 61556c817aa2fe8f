// `virtdesk completion bash|zsh|fish`: scripts generated from the command table. Names (VMs,
// snapshots, pools, networks) come from `virtdesk __complete <kind>` at completion time, over the
// same connection (--connect on the line being completed, else the environment's default);
// connection URIs from `virtdesk __complete uri` (the settings).
import { COMMANDS, visibleCommands, type ArgKind } from './command-table';

const SHARED_FLAGS = ['--connect', '--json', '--help'];
const WORDS: Partial<Record<ArgKind, string>> = {
  'lab-action': 'up start stop reset down status validate list',
  'snapshot-action': 'list create revert delete capabilities',
  shell: 'bash zsh fish',
};

const shellWords = (words: string[]): string => words.join(' ');

/**
 * Option values completed from the connection or the settings: `--connect` URIs (settings, the
 * default, the demo), pools (`--disk POOL:`, `--volume POOL/`), networks (`attach-nic --network`).
 */
const VALUE_OPTIONS: [string, string][] = [
  ['--connect', 'uri'],
  ['--disk', 'pool --suffix :'],
  ['--new', 'pool --suffix :'],
  ['--disk-volume', 'pool --suffix /'],
  ['--volume', 'pool --suffix /'],
];

export function bashCompletion(): string {
  const cases = COMMANDS.filter((c) => !c.hidden)
    .map((c) => `    ${c.name}) flags=${JSON.stringify(shellWords([...c.flags, ...SHARED_FLAGS]))}; args=${JSON.stringify(shellWords(c.args))} ;;`)
    .join('\n');
  // The words come from COMP_LINE split at blanks only: bash's own COMP_WORDS also splits at ':'
  // (COMP_WORDBREAKS), which would cut qemu:///system and POOL:SIZE into pieces.
  return `# virtdesk bash completion: source <(virtdesk completion bash)
_virtdesk_names() {
  local kind=$1 suffix=""
  shift
  [[ $1 == --suffix ]] && { suffix=$2; shift 2; }
  local IFS=$'\\n' n
  for n in $(virtdesk __complete $kind "$@" "\${connect[@]}" 2>/dev/null); do printf '%s%s\\n' "$n" "$suffix"; done
}
_virtdesk_reply() {
  local IFS=$'\\n' c
  COMPREPLY=()
  for c in $1; do [[ $c == "$cur"* ]] && COMPREPLY+=("$c"); done
  # bash replaces only the text after the last ':' of the word: drop what is already typed.
  if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local typed=\${cur%"\${cur##*:}"}
    COMPREPLY=("\${COMPREPLY[@]#"$typed"}")
  fi
}
_virtdesk() {
  local line=\${COMP_LINE:0:COMP_POINT} cur="" prev="" w i flags="" args="" kind
  local -a all=() connect=() words=()
  read -r -a all <<< "$line"
  if [[ -n $line && $line != *[[:space:]] ]]; then cur=\${all[\${#all[@]} - 1]}; unset "all[\${#all[@]} - 1]"; fi
  ((\${#all[@]} > 1)) && prev=\${all[\${#all[@]} - 1]}
  for ((i = 1; i < \${#all[@]}; i++)); do
    w=\${all[i]}
    if [[ $w == --connect ]]; then connect=(--connect "\${all[i + 1]}"); ((i++)); continue; fi
    [[ $w == -* ]] && continue
    words+=("$w")
  done
  case $prev in
${VALUE_OPTIONS.map(([flag, how]) => `    ${flag}) _virtdesk_reply "$(_virtdesk_names ${how})"; compopt -o nospace 2>/dev/null; [[ $prev == --connect ]] && compopt +o nospace 2>/dev/null; return ;;`).join('\n')}
    --network)
      if [[ \${words[0]} == create ]]; then _virtdesk_reply "$(printf '%s\\n' user none bridge: && _virtdesk_names network | sed 's/^/network:/')"
      else _virtdesk_reply "$(_virtdesk_names network)"; fi
      return ;;
    --iso|--import|--kernel|--initrd|--cloud-image|--password-file|--ssh-key-file|--path) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
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
    vm|pool|network) _virtdesk_reply "$(_virtdesk_names $kind)" ;;
    snapshot) _virtdesk_reply "$(_virtdesk_names snapshot "\${words[2]}")" ;;
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
  lines.push(`complete -c virtdesk -l connect -x -a '(virtdesk __complete uri 2>/dev/null)' -d 'libvirt URI'`, `complete -c virtdesk -l json -d 'machine-readable output'`, `complete -c virtdesk -s h -l help -d 'help'`);
  for (const c of visibleCommands()) {
    for (const f of c.flags) lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from ${c.name}' -l ${f.slice(2)}`);
    if (c.args.includes('vm')) lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from ${c.name}' -a '(virtdesk __complete vm 2>/dev/null)'`);
    if (c.name === 'attach-nic') lines.push(`complete -c virtdesk -n '__fish_seen_subcommand_from attach-nic' -l network -x -a '(virtdesk __complete network 2>/dev/null)'`);
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
