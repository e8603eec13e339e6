dnl fathom-deps.m4 -- one macro per dependency; each names the Debian package.

AC_DEFUN([AX_PTHREAD_SIMPLE], [
  AC_CHECK_LIB([pthread], [pthread_create], [PTHREAD_LIBS=-lpthread],
    [AC_MSG_ERROR([POSIX threads not found (Debian package: libc6-dev)])])
  AC_SUBST([PTHREAD_LIBS])
])

dnl libpcap ships a pkg-config file on Debian; fall back to pcap-config.
AC_DEFUN([FATHOM_CHECK_LIBPCAP], [
  PKG_CHECK_MODULES([PCAP], [libpcap >= 1.8], [],
    [AC_PATH_PROG([PCAP_CONFIG], [pcap-config])
     AS_IF([test -n "$PCAP_CONFIG"],
       [PCAP_CFLAGS=`$PCAP_CONFIG --cflags`; PCAP_LIBS=`$PCAP_CONFIG --libs`],
       [AC_MSG_ERROR([libpcap not found: install the Debian package libpcap-dev])])])
  save_LIBS=$LIBS; LIBS="$PCAP_LIBS $LIBS"
  AC_CHECK_FUNC([pcap_set_immediate_mode], [],
    [AC_MSG_ERROR([libpcap lacks pcap_set_immediate_mode: install libpcap-dev >= 1.5])])
  LIBS=$save_LIBS
])

dnl Debian's libnet1-dev has no .pc file, only libnet-config.
AC_DEFUN([FATHOM_CHECK_LIBNET], [
  AC_PATH_PROG([LIBNET_CONFIG], [libnet-config])
  AS_IF([test -n "$LIBNET_CONFIG"],
    [dnl Its --defines add _BSD_SOURCE, which glibc warns is deprecated;
     dnl _GNU_SOURCE (AC_USE_SYSTEM_EXTENSIONS) covers it. Keep the rest.
     LIBNET_CFLAGS="`$LIBNET_CONFIG --cflags`"
     for d in `$LIBNET_CONFIG --defines`; do
       case $d in -D_BSD_SOURCE|-D__BSD_SOURCE|-D_SVID_SOURCE) ;;
       *) LIBNET_CFLAGS="$LIBNET_CFLAGS $d" ;; esac
     done
     LIBNET_LIBS=`$LIBNET_CONFIG --libs`],
    [LIBNET_CFLAGS=""; LIBNET_LIBS="-lnet"])
  save_CPPFLAGS=$CPPFLAGS; save_LIBS=$LIBS
  CPPFLAGS="$LIBNET_CFLAGS $CPPFLAGS"; LIBS="$LIBNET_LIBS $LIBS"
  AC_CHECK_HEADER([libnet.h], [],
    [AC_MSG_ERROR([libnet.h not found: install the Debian package libnet1-dev])])
  AC_CHECK_FUNC([libnet_build_tcp], [],
    [AC_MSG_ERROR([libnet not usable: install the Debian package libnet1-dev])])
  CPPFLAGS=$save_CPPFLAGS; LIBS=$save_LIBS
  AC_SUBST([LIBNET_CFLAGS])
  AC_SUBST([LIBNET_LIBS])
])

AC_DEFUN([FATHOM_CHECK_OPENSSL], [
  PKG_CHECK_MODULES([OPENSSL], [openssl >= 1.1.1], [],
    [AC_MSG_ERROR([OpenSSL >= 1.1.1 not found: install the Debian package libssl-dev])])
])

AC_DEFUN([FATHOM_CHECK_PCRE2], [
  PKG_CHECK_MODULES([PCRE2], [libpcre2-8 >= 10.30], [],
    [AC_MSG_ERROR([PCRE2 (8-bit) not found: install the Debian package libpcre2-dev])])
])

dnl fathom merge reads shards' -oX with libxml2 (and writes the merged one).
AC_DEFUN([FATHOM_CHECK_LIBXML2], [
  PKG_CHECK_MODULES([LIBXML2], [libxml-2.0 >= 2.9], [],
    [AC_MSG_ERROR([libxml2 not found: install the Debian package libxml2-dev])])
])

AC_DEFUN([FATHOM_ENABLE_DEBUG], [
  AC_ARG_ENABLE([debug],
    [AS_HELP_STRING([--enable-debug], [build with ASan+UBSan, -O1 -g])],
    [], [enable_debug=no])
  AS_IF([test "x$enable_debug" = xyes],
    [FATHOM_CFLAGS="$FATHOM_CFLAGS -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
     FATHOM_LDFLAGS="$FATHOM_LDFLAGS -fsanitize=address,undefined"])
  AM_CONDITIONAL([DEBUG], [test "x$enable_debug" = xyes])
])

AC_DEFUN([FATHOM_ENABLE_WERROR], [
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors])],
    [], [enable_werror=no])
  FATHOM_CFLAGS="$FATHOM_CFLAGS -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes"
  AS_IF([test "x$enable_werror" = xyes],
    [FATHOM_CFLAGS="$FATHOM_CFLAGS -Werror"])
])

dnl Hardening on by default (as zmap's release builds): FORTIFY needs -O.
AC_DEFUN([FATHOM_HARDENING], [
  AC_ARG_ENABLE([hardening],
    [AS_HELP_STRING([--disable-hardening], [no FORTIFY/stack protector/PIE/RELRO])],
    [], [enable_hardening=yes])
  AS_IF([test "x$enable_hardening" = xyes], [
    AS_IF([test "x$enable_debug" != xyes],
      [FATHOM_CPPFLAGS="$FATHOM_CPPFLAGS -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2"])
    FATHOM_CFLAGS="$FATHOM_CFLAGS -fstack-protector-strong -fPIE"
    FATHOM_LDFLAGS="$FATHOM_LDFLAGS -pie -Wl,-z,relro -Wl,-z,now"])
  AC_SUBST([FATHOM_CFLAGS])
  AC_SUBST([FATHOM_CPPFLAGS])
  AC_SUBST([FATHOM_LDFLAGS])
])

dnl --enable-fuzz: clang's libFuzzer drives tests/fuzz/*; everything else
dnl is built with fuzzer-no-link coverage plus ASan/UBSan (tools/fuzz).
AC_DEFUN([FATHOM_ENABLE_FUZZ], [
  AC_ARG_ENABLE([fuzz],
    [AS_HELP_STRING([--enable-fuzz], [build the fuzz harnesses with libFuzzer (needs CC=clang)])],
    [], [enable_fuzz=no])
  AS_IF([test "x$enable_fuzz" = xyes], [
    AS_CASE([$CC], [*clang*], [],
      [AC_MSG_ERROR([--enable-fuzz needs clang: run CC=clang ./configure --enable-fuzz])])
    FATHOM_CFLAGS="$FATHOM_CFLAGS -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined"
    FATHOM_LDFLAGS="$FATHOM_LDFLAGS -fsanitize=address,undefined"])
  AM_CONDITIONAL([FUZZ], [test "x$enable_fuzz" = xyes])
])

dnl The inventory database (-oS): optional unless asked for. --with-sqlite3
dnl (or --with-libpq) makes it required, as tools/check does; --without-X
dnl leaves it out; by default it is used when found, and -oS on a build
dnl without it is refused in one line.
AC_DEFUN([FATHOM_CHECK_SQLITE3], [
  AC_ARG_WITH([sqlite3],
    [AS_HELP_STRING([--with-sqlite3], [-oS FILE.sqlite (libsqlite3-dev); default: if found])],
    [], [with_sqlite3=check])
  have_sqlite3=no
  AS_IF([test "x$with_sqlite3" != xno], [
    PKG_CHECK_MODULES([SQLITE3], [sqlite3 >= 3.35], [have_sqlite3=yes],
      [AS_IF([test "x$with_sqlite3" = xyes],
        [AC_MSG_ERROR([SQLite >= 3.35 not found: install the Debian package libsqlite3-dev])],
        [AC_MSG_WARN([SQLite not found (Debian: libsqlite3-dev): -oS FILE is disabled])])])])
  AS_IF([test "x$have_sqlite3" = xyes],
    [AC_DEFINE([HAVE_SQLITE3], [1], [the inventory's SQLite backend])])
  AM_CONDITIONAL([HAVE_SQLITE3], [test "x$have_sqlite3" = xyes])
])

AC_DEFUN([FATHOM_CHECK_LIBPQ], [
  AC_ARG_WITH([libpq],
    [AS_HELP_STRING([--with-libpq], [-oS postgresql://... (libpq-dev); default: if found])],
    [], [with_libpq=check])
  have_libpq=no
  AS_IF([test "x$with_libpq" != xno], [
    PKG_CHECK_MODULES([LIBPQ], [libpq >= 10], [have_libpq=yes],
      [AS_IF([test "x$with_libpq" = xyes],
        [AC_MSG_ERROR([libpq not found: install the Debian package libpq-dev])],
        [AC_MSG_WARN([libpq not found (Debian: libpq-dev): -oS postgresql:// is disabled])])])])
  AS_IF([test "x$have_libpq" = xyes],
    [AC_DEFINE([HAVE_LIBPQ], [1], [the inventory's PostgreSQL backend])])
  AM_CONDITIONAL([HAVE_LIBPQ], [test "x$have_libpq" = xyes])
])
