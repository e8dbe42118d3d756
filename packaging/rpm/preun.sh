# %preun: on erase (not upgrade) disable and stop the unit (%systemd_preun).
if [ "$1" -eq 0 ] && [ -x /usr/bin/systemctl ]; then
	/usr/bin/systemctl --no-reload disable --now sygen-webhookd.service >/dev/null 2>&1 || :
fi
exit 0
