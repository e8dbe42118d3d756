# %postun: reload units; on upgrade restart a running service
# (%systemd_postun_with_restart). The state in /var/lib/sygen-webhook and the
# service user are kept on erase.
if [ -x /usr/bin/systemctl ]; then
	/usr/bin/systemctl daemon-reload >/dev/null 2>&1 || :
	if [ "$1" -ge 1 ]; then
		/usr/bin/systemctl try-restart sygen-webhookd.service >/dev/null 2>&1 || :
	fi
fi
exit 0
