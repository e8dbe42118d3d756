# %post: folders from tmpfiles.d; on first install enable the unit as the
# distribution's presets say (%systemd_post).
if [ -x /usr/bin/systemd-tmpfiles ]; then
	/usr/bin/systemd-tmpfiles --create sygen-webhook.conf >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ] && [ -x /usr/bin/systemctl ]; then
	/usr/bin/systemctl --no-reload preset sygen-webhookd.service >/dev/null 2>&1 || :
fi
exit 0
