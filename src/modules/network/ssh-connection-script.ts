/**
 * Shell lines that print $SSH_CONNECTION of the login a probe runs under ("CLIENT CPORT SERVER
 * SPORT"), found up the process tree when become (sudo) has cleared it from the environment; an
 * empty line when there is none (a local connection). Probes of modules that can cut the run's
 * own connection (nftables, network_config) embed it.
 */
export const SSH_CONNECTION_SH = `conn=\${SSH_CONNECTION-}
p=$PPID
while [ -z "$conn" ] && [ "$p" -gt 1 ] 2>/dev/null; do
  conn=$(tr '\\000' '\\n' < "/proc/$p/environ" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p')
  p=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2)
done
printf '%s\\n' "$conn"
`;
