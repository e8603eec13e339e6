/* privs.c -- capability checks: the one place privilege is reasoned about. */
#include "engine/privs.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

int privs_have_net_raw(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (syscall(SYS_capget, &hdr, data) != 0)
		return 0;
	return (data[CAP_NET_RAW / 32].effective >> (CAP_NET_RAW % 32)) & 1;
}
