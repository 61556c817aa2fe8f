// `virtdesk completion bash|zsh|fish`: scripts generated from the command table. Names (VMs,
// snapshots, pools, networks) come from `virtdesk __complete <kind>` at completion time, over the
// same connection (--connect on the line being completed, else the environment's default);
// connection URIs from `virtdesk __complete uri` (the settings). Which options take a pool or a
// network name (and with which prefix or suffix) is the table's `values`.
import { COMMANDS, visibleCommands, type ArgKind, type CommandSpec, type OptionValue } from './command-table';

const SHARED_FLAGS = ['--connect', '--json', '--help'];
const WORDS: Partial<Record<ArgKind, string>> = {
  'lab-action': 'up start stop reset down status validate list',
  'snapshot-action': 'list create revert delete capabilities',
  shell: 'bash zsh fish',
};
/** Options whose value is a file, whatever the command. */
const FILE_OPTIONS = ['--iso', '--import', '--kernel', '--initrd', '--cloud-image', '--password-file', '--ssh-key-file', '--path'];

const shellWords = (words: string[]): string => words.join(' ');
/** A word in single quotes for bash, zsh and fish (the table's words hold no quote). */
const q = (word: string): string => `'${word.replace(/'/g, '')}'`;
const commandWords = (): string[] => [...visibleCommands().map((c) => c.name), '--help', '--help-all', '--version'];

/** Every option of the table that has values: [command, option, value]. */
function optionValues(): [CommandSpec, string, OptionValue][] {
  return visibleCommands().flatMap((c) => Object.entries(c.values ?? {}).map(([flag, v]): [CommandSpec, string, OptionValue] => [c, flag, v]));
}

/** The arguments of a value helper (bash, zsh, fish alike): KIND PREFIX SUFFIX WORD... */
const valueArgs = (v: OptionValue): string => [q(v.names ?? ''), q(v.prefix ?? ''), q(v.suffix ?? ''), ...(v.words ?? []).map(q)].join(' ');

export function bashCompletion(): string {
  const cases = COMMANDS.filter((c) => !c.hidden)
    .map((c) => `    ${c.name}) flags=${JSON.stringify(shellWords([...c.flags, ...SHARED_FLAGS]))}; args=${JSON.stringify(shellWords(c.args))} ;;`)
    .join('\n');
  const values = optionValues()
    .map(([c, flag, v]) => `    ${q(`${c.name} ${flag}`)}) _virtdesk_reply "$(_virtdesk_value ${valueArgs(v)})"; _virtdesk_glue; return ;;`)
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
# _virtdesk_value KIND PREFIX SUFFIX WORD...: an option's values, PREFIX+name+SUFFIX for each name.
_virtdesk_value() {
  local kind=$1 prefix=$2 suffix=$3 n IFS=$'\\n'
  shift 3
  (($#)) && printf '%s\\n' "$@"
  if [[ -n $kind ]]; then for n in $(_virtdesk_names "$kind"); do printf '%s%s%s\\n' "$prefix" "$n" "$suffix"; done; fi
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
# A value that ends in ':' or '/' (POOL:, POOL/, bridge:) goes on: no space after it.
_virtdesk_glue() {
  local c
  for c in "\${COMPREPLY[@]}"; do [[ $c == *[:/] ]] && compopt -o nospace 2>/dev/null; done
  return 0
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
  if [[ $prev == --connect ]]; then _virtdesk_reply "$(_virtdesk_names uri)"; return; fi
  case "\${words[0]} $prev" in
${values}
  esac
  case $prev in
    ${FILE_OPTIONS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if ((\${#words[@]} == 0)); then
    COMPREPLY=($(compgen -W ${JSON.stringify(shellWords(commandWords()))} -- "$cur"))
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

/** A native zsh function (words / CURRENT / compadd): zsh's bash emulation cannot run the bash one. */
export function zshCompletion(): string {
  const cases = visibleCommands()
    .map((c) => `    ${c.name}) flags=(${[...c.flags, ...SHARED_FLAGS].join(' ')}); args=(${c.args.join(' ')}) ;;`)
    .join('\n');
  const values = optionValues()
    .map(([c, flag, v]) => `    ${q(`${c.name} ${flag}`)}) _virtdesk_value ${valueArgs(v)}; return ;;`)
    .join('\n');
  return `#compdef virtdesk
# virtdesk zsh completion: source <(virtdesk completion zsh), or save it as _virtdesk in a folder of $fpath.
# _virtdesk_value KIND PREFIX SUFFIX WORD...: an option's values, PREFIX+name+SUFFIX for each name.
_virtdesk_value() {
  local kind=$1 prefix=$2 suffix=$3 n
  shift 3
  local -a plain glued
  for n in "$@"; do if [[ $n == *[:/] ]]; then glued+=("$n"); else plain+=("$n"); fi; done
  if [[ -n $kind ]]; then
    for n in \${(f)"$(virtdesk __complete $kind $connect 2>/dev/null)"}; do
      if [[ -n $suffix ]]; then glued+=("$prefix$n$suffix"); else plain+=("$prefix$n"); fi
    done
  fi
  (( \${#plain} )) && compadd -- "\${plain[@]}"
  (( \${#glued} )) && compadd -S '' -- "\${glued[@]}"
  return 0
}
_virtdesk() {
  local -a connect cmdwords flags args
  local i w kind prev=\${(Q)words[CURRENT-1]} cur=\${(Q)words[CURRENT]}
  for ((i = 2; i < CURRENT; i++)); do
    w=\${(Q)words[i]}
    if [[ $w == --connect ]]; then connect=(--connect "\${(Q)words[i+1]}"); ((i++)); continue; fi
    [[ $w == -* ]] && continue
    cmdwords+=("$w")
  done
  if [[ $prev == --connect ]]; then compadd -- \${(f)"$(virtdesk __complete uri 2>/dev/null)"}; return; fi
  case "\${cmdwords[1]} $prev" in
${values}
  esac
  case $prev in
    ${FILE_OPTIONS.join('|')}) _files; return ;;
  esac
  if (( \${#cmdwords} == 0 )); then compadd -- ${commandWords().join(' ')}; return; fi
  case \${cmdwords[1]} in
${cases}
    *) return 1 ;;
  esac
  if [[ $cur == -* ]]; then compadd -- "\${flags[@]}"; return; fi
  kind=\${args[\${#cmdwords}]}
  case $kind in
    vm|pool|network) _virtdesk_value $kind '' '' ;;
    snapshot) compadd -- \${(f)"$(virtdesk __complete snapshot "\${cmdwords[3]}" $connect 2>/dev/null)"} ;;
    file) _files ;;
${Object.entries(WORDS).map(([k, v]) => `    ${k}) compadd -- ${v} ;;`).join('\n')}
  esac
}
if [[ \${funcstack[1]} == _virtdesk ]]; then
  _virtdesk "$@"
else
  (( $+functions[compdef] )) || { autoload -Uz compinit && compinit -u; }
  compdef _virtdesk virtdesk
fi
`;
}

const FISH_FUNCTIONS = `# The words of the line so far that are not options (nor --connect's value): the command and its arguments.
function __virtdesk_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
        else if test "$t" = --connect
            set skip 1
        else if not string match -q -- '-*' $t
            echo $t
        end
    end
end
# __virtdesk_arg COMMAND N: the word being completed is COMMAND's Nth argument.
function __virtdesk_arg
    set -l w (__virtdesk_words)
    test "$w[1]" = $argv[1]; and test (count $w) -eq $argv[2]
end
# __virtdesk_names KIND [ARG]: names from the connection named on the line (else the default).
function __virtdesk_names
    set -l tokens (commandline -opc)
    set -l connect
    set -l i (contains -i -- --connect $tokens)
    and test $i -lt (count $tokens)
    and set connect --connect $tokens[(math $i + 1)]
    virtdesk __complete $argv $connect 2>/dev/null
end
# __virtdesk_value KIND PREFIX SUFFIX WORD...: an option's values, PREFIX+name+SUFFIX for each name.
function __virtdesk_value
    set -l words $argv
    set -e words[1..3]
    for w in $words
        echo $w
    end
    if test -n "$argv[1]"
        for n in (__virtdesk_names $argv[1])
            echo "$argv[2]$n$argv[3]"
        end
    end
end
function __virtdesk_snapshots
    set -l w (__virtdesk_words)
    __virtdesk_names snapshot $w[3]
end`;

export function fishCompletion(): string {
  const lines = ['# virtdesk fish completion: virtdesk completion fish > ~/.config/fish/completions/virtdesk.fish', FISH_FUNCTIONS, 'complete -c virtdesk -f'];
  for (const c of visibleCommands()) lines.push(`complete -c virtdesk -n '__fish_use_subcommand' -a ${c.name} -d ${JSON.stringify(c.summary.slice(0, 60))}`);
  lines.push(`complete -c virtdesk -l connect -x -a '(__virtdesk_names uri)' -d 'libvirt URI'`, `complete -c virtdesk -l json -d 'machine-readable output'`, `complete -c virtdesk -s h -l help -d 'help'`);
  for (const c of visibleCommands()) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const f of c.flags) {
      const v = c.values?.[f];
      if (v) lines.push(`complete -c virtdesk ${when} -l ${f.slice(2)} -x -a ${JSON.stringify(`(__virtdesk_value ${valueArgs(v)})`)}`);
      else if (FILE_OPTIONS.includes(f)) lines.push(`complete -c virtdesk ${when} -l ${f.slice(2)} -r -F`);
      else lines.push(`complete -c virtdesk ${when} -l ${f.slice(2)}`);
    }
    c.args.forEach((kind, n) => {
      const at = `-n '__virtdesk_arg ${c.name} ${n + 1}'`;
      if (kind === 'vm') lines.push(`complete -c virtdesk ${at} -a '(__virtdesk_names ${kind})'`);
      else if (kind === 'snapshot') lines.push(`complete -c virtdesk ${at} -a '(__virtdesk_snapshots)'`);
      else if (kind === 'file') lines.push(`complete -c virtdesk ${at} -F`);
      else if (WORDS[kind]) lines.push(`complete -c virtdesk ${at} -a '${WORDS[kind]}'`);
    });
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: string | undefined): string | undefined {
  if (shell === 'bash') return bashCompletion();
  if (shell === 'zsh') return zshCompletion();
  if (shell === 'fish') return fishCompletion();
  return undefined;
}
