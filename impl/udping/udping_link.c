/* The link layer under `ippm udping client -a` (udping_link.h). */
#include "impl/udping/udping_link.h"

#include <errno.h>
#include <linux/capability.h>
#include <grp.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "impl/core/net.h"

/* Whether sa holds local's address (an IPv6 link-local one on the
 * interface its zone names, when it has one). */
static bool same_addr(const struct sockaddr *sa, const struct ippm_addr *local,
                      unsigned ifindex)
{
    struct ippm_addr a;
    ippm_addr_from_sockaddr(&a, sa);
    if (a.family != local->family)
        return false;
    size_t n = a.family == IPPM_AF_INET6 ? 16 : 4;
    if (memcmp(a.ip, local->ip, n) != 0)
        return false;
    return local->scope_id == 0 || local->scope_id == ifindex;
}

/* MAC and MTU of the interface named l->ifname. */
static int if_details(struct udping_link *l, char *err, size_t err_len)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        snprintf(err, err_len, "socket: %s", strerror(errno));
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", l->ifname);
    int rc = -1;
    if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
        snprintf(err, err_len, "%s: no MAC address: %s", l->ifname,
                 strerror(errno));
    else if (ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */ &&
             ifr.ifr_hwaddr.sa_family != 772 /* ARPHRD_LOOPBACK */)
        snprintf(err, err_len, "%s is not an Ethernet interface (hardware "
                 "type %u)", l->ifname, (unsigned)ifr.ifr_hwaddr.sa_family);
    else {
        memcpy(l->mac, ifr.ifr_hwaddr.sa_data, UDPING_MAC_LEN);
        rc = 0;
        if (ioctl(s, SIOCGIFMTU, &ifr) < 0) {
            snprintf(err, err_len, "%s: no MTU: %s", l->ifname,
                     strerror(errno));
            rc = -1;
        } else {
            l->mtu = (unsigned)ifr.ifr_mtu;
        }
    }
    close(s);
    return rc;
}

/* see udping_link.h */
int udping_link_find(struct udping_link *l, const struct ippm_addr *local,
                     char *err, size_t err_len)
{
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    struct ifaddrs *all;
    if (getifaddrs(&all) < 0) {
        snprintf(err, err_len, "getifaddrs: %s", strerror(errno));
        return -1;
    }
    for (const struct ifaddrs *i = all; i; i = i->ifa_next) {
        if (!i->ifa_addr || !i->ifa_name)
            continue;
        unsigned idx = if_nametoindex(i->ifa_name);
        if (idx && same_addr(i->ifa_addr, local, idx)) {
            snprintf(l->ifname, sizeof l->ifname, "%s", i->ifa_name);
            l->ifindex = idx;
            break;
        }
    }
    freeifaddrs(all);
    if (!l->ifindex) {
        snprintf(err, err_len, "no interface of this host has that address");
        return -1;
    }
    return if_details(l, err, err_len);
}

/* see udping_link.h */
int udping_link_open(struct udping_link *l, char *err, size_t err_len)
{
    l->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (l->fd < 0) {
        int e = errno;
        snprintf(err, err_len, "raw socket: %s%s", strerror(e),
                 e == EPERM || e == EACCES
                     ? ": raw frames (-a) need root or CAP_NET_RAW; without "
                       "-a the client sends from ordinary UDP sockets"
                     : "");
        return -1;
    }
    return 0;
}

/* see udping_link.h */
int udping_link_send(const struct udping_link *l, const uint8_t *frame,
                     size_t len)
{
    struct sockaddr_ll to;
    memset(&to, 0, sizeof to);
    to.sll_family = AF_PACKET;
    to.sll_ifindex = (int)l->ifindex;
    to.sll_halen = UDPING_MAC_LEN;
    memcpy(to.sll_addr, frame, UDPING_MAC_LEN); /* the frame's destination */
    ssize_t n = sendto(l->fd, frame, len, 0, (const struct sockaddr *)&to,
                       sizeof to);
    return n == (ssize_t)len ? 0 : -1;
}

/* Not root, but allowed raw sockets by a file capability (setcap
 * cap_net_raw+ep): the capabilities go once the socket is open. */
static int drop_capabilities(char *err, size_t err_len)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capset, &h, d) < 0) {
        snprintf(err, err_len, "cannot drop capabilities: %s",
                 strerror(errno));
        return -1;
    }
    return 1;
}

/* see udping_link.h */
int udping_drop_privileges(char *err, size_t err_len)
{
    if (geteuid() != 0 && getuid() != 0)
        return drop_capabilities(err, err_len);
    const struct passwd *pw = getpwnam("nobody");
    if (!pw) {
        snprintf(err, err_len, "no user 'nobody' to drop root to");
        return -1;
    }
    if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
        setuid(pw->pw_uid) < 0) {
        snprintf(err, err_len, "cannot become 'nobody': %s", strerror(errno));
        return -1;
    }
    /* setuid as root is for good; make sure it cannot be undone. */
    if (setuid(0) == 0) {
        snprintf(err, err_len, "root could be regained after dropping it");
        return -1;
    }
    return 0;
}

/* see udping_link.h */
void udping_link_close(struct udping_link *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}
