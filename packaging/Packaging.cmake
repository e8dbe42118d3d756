# Packaging: install rules for everything besides the four binaries, and the
# CPack settings for the .deb and the .rpm (issue 6). Included at the end of the
# top-level CMakeLists.txt.
#
# Build the packages with scripts/package.sh: it configures with
# CMAKE_INSTALL_PREFIX=/usr, which this file needs for the paths of SPEC §1
# (/usr/bin, /etc/sygen-webhook, /usr/lib/systemd/system).
#
# Layout of the packages:
#   /usr/bin/sygen-webhookd, sygen-webhook-worker, sygen-webhook-deliver, sygen-webhookctl
#   /etc/sygen-webhook/config.json                  conffile, 0640 root:sygen-webhook
#   /usr/lib/systemd/system/sygen-webhookd.service
#   /usr/lib/sysusers.d/sygen-webhook.conf          user sygen-webhook, home /var/lib/sygen-webhook
#   /usr/lib/tmpfiles.d/sygen-webhook.conf          /var/lib/sygen-webhook, /run/sygen-webhook
#   /usr/share/man/man{1,8}/...gz
#   /usr/share/bash-completion/completions/sygen-webhookctl
#   /usr/share/sygen-webhook/monitoring/{sygen-webhook.rules.yml,sygen-webhook.grafana.json}
#   /usr/share/doc/sygen-webhook/{copyright,changelog.Debian.gz,OPERATIONS.md}
# /var/lib/sygen-webhook itself is not in the package: tmpfiles.d (postinst) and
# the unit's StateDirectory= create it with the service user as owner, which dpkg
# would otherwise reset to root on every upgrade.

include(GNUInstallDirs)

set(SYGEN_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SYGEN_PACKAGING_OUT ${CMAKE_BINARY_DIR}/packaging)
set(SYGEN_DEB_RELEASE 1)
set(SYGEN_DEB_VERSION ${PROJECT_VERSION}-${SYGEN_DEB_RELEASE})

if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    message(STATUS "packaging: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; packages need /usr (use scripts/package.sh)")
endif()

# The unit names the installed paths. Everything but the config file is
# installed relative to the prefix: CPack RPM marks absolute destinations %config.
set(SYGEN_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
set(SYGEN_CONFIG_FILE ${CMAKE_INSTALL_FULL_SYSCONFDIR}/sygen-webhook/config.json)
configure_file(${SYGEN_PACKAGING_DIR}/systemd/sygen-webhookd.service.in
    ${SYGEN_PACKAGING_OUT}/sygen-webhookd.service @ONLY)
configure_file(${SYGEN_PACKAGING_DIR}/debian/changelog.in
    ${SYGEN_PACKAGING_OUT}/changelog.Debian @ONLY)
configure_file(${SYGEN_PACKAGING_DIR}/rpm/changelog.in
    ${SYGEN_PACKAGING_OUT}/changelog.rpm @ONLY)

# Man pages and the Debian changelog are installed gzip'ed without a timestamp
# (gzip -n), as Debian policy and lintian want.
find_program(SYGEN_GZIP gzip REQUIRED)
set(SYGEN_MAN_PAGES sygen-webhookd.8 sygen-webhook-worker.8 sygen-webhook-deliver.8 sygen-webhookctl.1)
set(SYGEN_GZ_FILES)
foreach(page IN LISTS SYGEN_MAN_PAGES)
    add_custom_command(OUTPUT ${SYGEN_PACKAGING_OUT}/${page}.gz
        COMMAND ${CMAKE_COMMAND} -E copy ${SYGEN_PACKAGING_DIR}/man/${page} ${SYGEN_PACKAGING_OUT}/${page}
        COMMAND ${SYGEN_GZIP} -9nf ${SYGEN_PACKAGING_OUT}/${page}
        DEPENDS ${SYGEN_PACKAGING_DIR}/man/${page}
        COMMENT "gzip man page ${page}")
    list(APPEND SYGEN_GZ_FILES ${SYGEN_PACKAGING_OUT}/${page}.gz)
    string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
    install(FILES ${SYGEN_PACKAGING_OUT}/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_command(OUTPUT ${SYGEN_PACKAGING_OUT}/changelog.Debian.gz
    COMMAND ${SYGEN_GZIP} -9nkf ${SYGEN_PACKAGING_OUT}/changelog.Debian
    DEPENDS ${SYGEN_PACKAGING_OUT}/changelog.Debian
    COMMENT "gzip changelog.Debian")
list(APPEND SYGEN_GZ_FILES ${SYGEN_PACKAGING_OUT}/changelog.Debian.gz)
add_custom_target(sygen-packaging-files ALL DEPENDS ${SYGEN_GZ_FILES})

install(FILES ${SYGEN_PACKAGING_OUT}/sygen-webhookd.service
    DESTINATION lib/systemd/system)
install(FILES ${SYGEN_PACKAGING_DIR}/systemd/sygen-webhook.sysusers
    DESTINATION lib/sysusers.d RENAME sygen-webhook.conf)
install(FILES ${SYGEN_PACKAGING_DIR}/systemd/sygen-webhook.tmpfiles
    DESTINATION lib/tmpfiles.d RENAME sygen-webhook.conf)
install(FILES ${SYGEN_PACKAGING_DIR}/config.json
    DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/sygen-webhook)
install(FILES
        ${SYGEN_PACKAGING_DIR}/debian/copyright
        ${SYGEN_PACKAGING_OUT}/changelog.Debian.gz
        ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
    DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES
        ${SYGEN_PACKAGING_DIR}/monitoring/sygen-webhook.rules.yml
        ${SYGEN_PACKAGING_DIR}/monitoring/sygen-webhook.grafana.json
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/sygen-webhook/monitoring)
install(FILES ${SYGEN_PACKAGING_DIR}/completion/sygen-webhookctl
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions)
install(FILES ${SYGEN_PACKAGING_DIR}/debian/lintian-overrides
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides RENAME sygen-webhook)

# ---------------------------------------------------------------------------
# CPack
set(CPACK_GENERATOR "DEB;RPM")
set(CPACK_PACKAGE_NAME sygen-webhook)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The sygen-webhook authors")
set(CPACK_PACKAGE_CONTACT "The sygen-webhook authors <maintainers@sygen-webhook.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "HTTP ingress for webhook triggers that run AI agent jobs")
set(CPACK_PACKAGE_DESCRIPTION "sygen-webhook accepts POST /hooks/{id} requests, authenticates them
(bearer token, HMAC signature or Standard Webhooks), answers 202 at once and
runs each hook's job in a pool of sandboxed worker processes: the Claude,
Codex or Gemini command line tool in a task folder, or a turn in each
allowed user's chat. Results go to Telegram, Matrix or a callback URL.

The package runs the service as the sygen-webhook user under a hardened
systemd unit, with its state in /var/lib/sygen-webhook.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})

# .deb
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SYGEN_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The Poco, OpenSSL and C++ runtime dependencies come from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "systemd | systemd-standalone-sysusers | systemd-sysusers, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SYGEN_PACKAGING_DIR}/deb/conffiles
    ${SYGEN_PACKAGING_DIR}/deb/postinst
    ${SYGEN_PACKAGING_DIR}/deb/prerm
    ${SYGEN_PACKAGING_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# .rpm
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_LICENSE MIT)
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_CHANGELOG_FILE ${SYGEN_PACKAGING_OUT}/changelog.rpm)
set(CPACK_RPM_PACKAGE_REQUIRES "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_PRE "/usr/sbin/useradd, /usr/sbin/groupadd, /usr/bin/getent")
set(CPACK_RPM_PACKAGE_REQUIRES_POST "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_PREUN "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_POSTUN "systemd")
set(CPACK_RPM_PRE_INSTALL_SCRIPT_FILE ${SYGEN_PACKAGING_DIR}/rpm/pre.sh)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${SYGEN_PACKAGING_DIR}/rpm/post.sh)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${SYGEN_PACKAGING_DIR}/rpm/preun.sh)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${SYGEN_PACKAGING_DIR}/rpm/postun.sh)
set(CPACK_RPM_USER_FILELIST
    "%config(noreplace) %attr(0640,root,sygen-webhook) ${SYGEN_CONFIG_FILE}")
# Folders the distribution's own packages (filesystem, systemd, man-db) own.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/lib/systemd
    /usr/lib/systemd/system
    /usr/lib/sysusers.d
    /usr/lib/tmpfiles.d
    /usr/share/man
    /usr/share/man/man1
    /usr/share/man/man8
    /usr/share/lintian
    /usr/share/lintian/overrides
    /usr/share/bash-completion
    /usr/share/bash-completion/completions)
# No /usr/lib/.build-id links: they would clash with other packages' binaries.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")

include(CPack)
