/* The self-test's children: ippm itself, run with other arguments
 * (conform_cmd.h). */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "impl/conform/conform_cmd.h"
#include "impl/core/net.h"

/* see conform_cmd.h */
pid_t conform_spawn_self(char *const argv[])
{
    pid_t child = fork();
    if (child == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    return child;
}

/* see conform_cmd.h */
void conform_stop_child(pid_t child)
{
    kill(child, SIGTERM);
    for (int i = 0; i < 40; i++) {
        if (waitpid(child, NULL, WNOHANG) == child)
            return;
        struct timespec ts = {0, 50 * 1000 * 1000}; /* 1/20 s */
        nanosleep(&ts, NULL);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

/* see conform_cmd.h */
uint16_t conform_free_udp_port(void)
{
    struct ippm_sock s;
    char err[IPPM_NET_ERRLEN];
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    if (ippm_net_open_bound(&s, &lo, 0, err, sizeof err) != 0)
        return 0;
    uint16_t port = s.local.port;
    ippm_net_close(&s);
    return port;
}
