# bash completion for sandlock(1)
_sandlock()
{
	local cur prev words cword
	_init_completion || return
	local verbs="run pipeline gather profile ps kill inspect check --version --help"
	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		return
	fi
	case ${words[1]} in
	kill|inspect)
		if [ "$cword" -eq 2 ]; then
			local names
			names=$(sandlock ps 2>/dev/null | awk 'NR > 1 { print $1 }')
			COMPREPLY=($(compgen -W "$names" -- "$cur"))
		elif [ "${words[1]}" = kill ] && [ "$cword" -eq 3 ]; then
			COMPREPLY=($(compgen -W "TERM INT HUP QUIT KILL USR1 USR2 STOP CONT" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--json" -- "$cur"))
		fi
		return ;;
	ps|check)
		COMPREPLY=($(compgen -W "--json" -- "$cur"))
		return ;;
	profile)
		COMPREPLY=($(compgen -W "list show check" -- "$cur"))
		return ;;
	esac
	case $prev in
	-r|--fs-read|-w|--fs-write|--cwd|--profile-file|--audit|--stdin|--file)
		_filedir
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--fs-read --fs-write --clean-env --env --cwd
		    --timeout --extra-deny-syscall --max-processes --max-memory
		    --max-open-files --max-file-size --cpu-time --net-allow
		    --net-deny --net-allow-bind --net-bind --no-supervisor
		    --allow-degraded --profile --profile-file --name --audit
		    --status-fd --pipefail --stdin --as --file --help" -- "$cur"))
	fi
}
complete -F _sandlock sandlock
