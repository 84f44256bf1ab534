import { LOGIN_KINDS } from '../index.js';
import { OPTION_FLAGS } from './args.js';

const COMMANDS = ['login', 'session', 'cookies', 'completion', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** A completion script for `source <(sessio completion bash)` or zsh's `compdef`. */
export function completionScript(shell: 'bash' | 'zsh'): string {
  const longs = OPTION_FLAGS.map((o) => `--${o.long}`);
  const shorts = OPTION_FLAGS.flatMap((o) => (o.short ? [`-${o.short}`] : []));
  const words = [...longs, ...shorts].join(' ');
  const withValue = OPTION_FLAGS.filter((o) => o.takesValue).flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]).join('|');
  if (shell === 'bash') {
    return `# sessio completion for bash: source <(sessio completion bash)
_sessio() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    ${withValue}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    session) COMPREPLY=( $(compgen -W "list show rm" -- "$cur") ); return ;;
    cookies) COMPREPLY=( $(compgen -W "import export" -- "$cur") ); return ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return ;;
    login) COMPREPLY=( $(compgen -W "${LOGIN_KINDS.join(' ')}" -- "$cur") ); return ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${words}" -- "$cur") ); return; fi
  [[ $COMP_CWORD -eq 1 ]] && COMPREPLY=( $(compgen -W "${COMMANDS.join(' ')}" -- "$cur") )
}
complete -o default -F _sessio sessio
`;
  }
  const specs = OPTION_FLAGS.map((o) => `'--${o.long}${o.takesValue ? '=' : ''}[${o.long}]${o.takesValue ? ':value:_files' : ''}'`).join(' \\\n    ');
  return `#compdef sessio
# sessio completion for zsh: sessio completion zsh > "\${fpath[1]}/_sessio", or source <(sessio completion zsh)
_sessio() {
  _arguments -s \\
    ${specs} \\
    '1:command or URL:(${COMMANDS.join(' ')})' \\
    '*:item:_files'
}
compdef _sessio sessio
`;
}
