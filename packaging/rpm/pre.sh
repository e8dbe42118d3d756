# %pre: the service user must exist before the files are laid down, so that
# %attr(0640,root,sygen-webhook) on the config resolves. Same user as
# /usr/lib/sysusers.d/sygen-webhook.conf (Fedora's sysusers "compat" way).
getent group sygen-webhook >/dev/null 2>&1 || groupadd -r sygen-webhook
getent passwd sygen-webhook >/dev/null 2>&1 || \
	useradd -r -g sygen-webhook -d /var/lib/sygen-webhook -s /sbin/nologin \
		-c "sygen-webhook service" sygen-webhook
exit 0
