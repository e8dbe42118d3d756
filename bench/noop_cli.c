/*
 * noop_cli.c
 *
 * The benchmark's no-op `claude`: what a successful `claude -p ... --output-format json`
 * run looks like to the worker, and nothing else, so that the end-to-end figure measures
 * our dispatch and worker rather than a CLI's start. tests/fakecli/FakeCli.cpp links Poco:
 * its dynamic loader alone takes ~2-4 ms, enough to cap 2 workers near 500 jobs/s.
 *
 * Built static (bench/setup.sh). On x86-64 Linux it is also built without libc
 * (-DNOOP_CLI_NOLIBC: its own _start and system calls): a static glibc program runs
 * CPUID dozens of times at start-up (cache and feature detection), and in a VM every
 * CPUID traps to the hypervisor: ~0.3 ms per start on the benchmark machine, more
 * than the rest of this program. Elsewhere the same code runs on libc.
 *
 * It behaves like FakeCli under {"no_record": true, "started_log": ...}:
 * - the control file is $FAKE_CLI_CONTROL when set, else ./fakecli.json (the task
 *   folder: the sandbox passes no other channel); of its keys only "started_log" and
 *   "result" (plain strings) are read, the others are ignored;
 * - stdin is read to its end (the claude command line gives /dev/null);
 * - with "started_log", one line {"started_at_us": <epoch µs>, "argv": [...],
 *   "stdin": "..."} is appended to that file in one O_APPEND write, the start time
 *   taken first thing (bench/e2e_latency.py joins it with the journal's records);
 * - stdout gets one result object of the real shape (tests/fixtures/cli-samples,
 *   with is_error false), "result" holding the control's "result" or
 *   "fake claude answer"; exit 0.
 * Text beyond the fixed buffers (1 MiB of control file, stdin or log line) is cut.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <time.h>

#ifdef NOOP_CLI_NOLIBC

#include <sys/syscall.h>

typedef long ssize_t;

static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

#define EINTR 4
static ssize_t sysRead(int fd, void* buf, size_t n)
{
	return sys3(SYS_read, fd, (long)buf, (long)n);
}
static ssize_t sysWrite(int fd, const void* buf, size_t n)
{
	return sys3(SYS_write, fd, (long)buf, (long)n);
}
static int sysOpen(const char* path, int flags, int mode)
{
	return (int)sys3(SYS_open, (long)path, flags, mode);
}
static void sysClose(int fd)
{
	sys3(SYS_close, fd, 0, 0);
}
static void sysNow(struct timespec* ts)
{
	sys3(SYS_clock_gettime, CLOCK_REALTIME, (long)ts, 0);
}
static int interrupted(ssize_t r)
{
	return r == -EINTR;
}
static void sysExit(int code)
{
	for (;;) sys3(SYS_exit_group, code, 0, 0);
}

/* The compiler may emit calls to these even without a libc. */
void* memcpy(void* to, const void* from, size_t n)
{
	char* t = to;
	const char* f = from;
	while (n--) *t++ = *f++;
	return to;
}

void* memset(void* to, int c, size_t n)
{
	char* t = to;
	while (n--) *t++ = (char)c;
	return to;
}

static char** environment;

static const char* getEnv(const char* name)
{
	for (char** e = environment; e && *e; ++e)
	{
		const char* a = *e;
		const char* b = name;
		while (*b && *a == *b)
		{
			++a;
			++b;
		}
		if (!*b && *a == '=') return a + 1;
	}
	return 0;
}

#else

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t sysRead(int fd, void* buf, size_t n)
{
	return read(fd, buf, n);
}
static ssize_t sysWrite(int fd, const void* buf, size_t n)
{
	return write(fd, buf, n);
}
static int sysOpen(const char* path, int flags, int mode)
{
	return open(path, flags, mode);
}
static void sysClose(int fd)
{
	close(fd);
}
static void sysNow(struct timespec* ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}
static int interrupted(ssize_t r)
{
	return r < 0 && errno == EINTR;
}
static void sysExit(int code)
{
	_exit(code);
}
static const char* getEnv(const char* name)
{
	return getenv(name);
}

#endif

#define LIMIT (1 << 20)

struct buffer
{
	char* data;
	size_t size;
	size_t capacity;
};

static char controlSpace[LIMIT], inputSpace[LIMIT], lineSpace[LIMIT], outSpace[LIMIT];
static char startedLogSpace[4096], resultSpace[LIMIT];

static size_t length(const char* s)
{
	size_t n = 0;
	while (s[n]) ++n;
	return n;
}

static void append(struct buffer* b, const char* s, size_t n)
{
	if (n > b->capacity - 1 - b->size) n = b->capacity - 1 - b->size;
	memcpy(b->data + b->size, s, n);
	b->size += n;
	b->data[b->size] = '\0';
}

static void appendText(struct buffer* b, const char* s)
{
	append(b, s, length(s));
}

static void appendJsonString(struct buffer* b, const char* s, size_t n)
/* A JSON string literal; bytes >= 0x80 are passed through (the prompt is UTF-8). */
{
	static const char HEX[] = "0123456789abcdef";
	append(b, "\"", 1);
	for (size_t i = 0; i < n; ++i)
	{
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
		if (c == '"' || c == '\\')
		{
			esc[1] = (char)c;
			append(b, esc, 2);
		}
		else if (c == '\n') append(b, "\\n", 2);
		else if (c == '\r') append(b, "\\r", 2);
		else if (c == '\t') append(b, "\\t", 2);
		else if (c < 0x20) append(b, esc, 6);
		else append(b, (const char*)&s[i], 1);
	}
	append(b, "\"", 1);
}

static void appendNumber(struct buffer* b, unsigned long long v)
{
	char digits[24];
	int n = 0;
	do
	{
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n--) append(b, &digits[n], 1);
}

static void readFd(int fd, struct buffer* b)
{
	for (;;)
	{
		if (b->size + 1 >= b->capacity) break;
		ssize_t r = sysRead(fd, b->data + b->size, b->capacity - 1 - b->size);
		if (r > 0) b->size += (size_t)r;
		else if (interrupted(r)) continue;
		else break;
	}
	b->data[b->size] = '\0';
}

static void drain(int fd)
/* Reads fd to its end without keeping what is past the buffer. */
{
	char sink[4096];
	for (;;)
	{
		ssize_t r = sysRead(fd, sink, sizeof(sink));
		if (r > 0 || interrupted(r)) continue;
		break;
	}
}

static int hexDigit(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int jsonStringField(const char* json, const char* key, struct buffer* out)
/* The value of "key": "..." in a flat JSON object, unescaped (\uXXXX below 0x80
	 * only, others become '?'); 0 when absent or not a string. Enough for the bench's
	 * control files. */
{
	size_t keyLen = length(key);
	for (const char* p = json; *p; ++p)
	{
		if (*p != '"') continue;
		size_t k = 0;
		while (k < keyLen && p[1 + k] == key[k]) ++k;
		if (k != keyLen || p[1 + keyLen] != '"') continue;
		const char* v = p + 2 + keyLen;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') ++v;
		if (*v != ':') continue;
		++v;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') ++v;
		if (*v != '"') return 0;
		for (++v; *v && *v != '"'; ++v)
		{
			char c = *v;
			if (c == '\\' && v[1])
			{
				++v;
				switch (*v)
				{
				case 'n': c = '\n'; break;
				case 't': c = '\t'; break;
				case 'r': c = '\r'; break;
				case 'b': c = '\b'; break;
				case 'f': c = '\f'; break;
				case 'u':
				{
					int code = 0, i = 1;
					for (; i <= 4 && hexDigit(v[i]) >= 0; ++i) code = code * 16 + hexDigit(v[i]);
					c = i == 5 && code < 0x80 ? (char)code : '?';
					v += i - 1;
					break;
				}
				default: c = *v; break;
				}
			}
			append(out, &c, 1);
		}
		return 1;
	}
	return 0;
}

static void writeAll(int fd, const char* data, size_t size)
{
	for (size_t done = 0; done < size;)
	{
		ssize_t w = sysWrite(fd, data + done, size - done);
		if (w > 0) done += (size_t)w;
		else if (interrupted(w)) continue;
		else sysExit(74);
	}
}

static int run(int argc, char** argv)
{
	struct timespec startedAt;
	sysNow(&startedAt);

	const char* controlPath = getEnv("FAKE_CLI_CONTROL");
	if (!controlPath || !*controlPath) controlPath = "fakecli.json";
	struct buffer control = {controlSpace, 0, sizeof(controlSpace)};
	int cfd = sysOpen(controlPath, O_RDONLY | O_CLOEXEC, 0);
	if (cfd >= 0)
	{
		readFd(cfd, &control);
		sysClose(cfd);
	}

	struct buffer input = {inputSpace, 0, sizeof(inputSpace)};
	readFd(0, &input);
	drain(0);

	struct buffer startedLog = {startedLogSpace, 0, sizeof(startedLogSpace)};
	if (jsonStringField(control.data, "started_log", &startedLog) && startedLog.size)
	{
		struct buffer line = {lineSpace, 0, sizeof(lineSpace)};
		appendText(&line, "{\"started_at_us\": ");
		appendNumber(&line, (unsigned long long)startedAt.tv_sec * 1000000ULL + (unsigned long long)startedAt.tv_nsec / 1000);
		appendText(&line, ", \"argv\": [");
		for (int i = 0; i < argc; ++i)
		{
			if (i) appendText(&line, ", ");
			appendJsonString(&line, argv[i], length(argv[i]));
		}
		appendText(&line, "], \"stdin\": ");
		appendJsonString(&line, input.data, input.size);
		appendText(&line, "}\n");
		/* One write(2) with O_APPEND, so that concurrent CLIs never interleave lines. */
		int fd = sysOpen(startedLog.data, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0)
		{
			sysWrite(fd, line.data, line.size);
			sysClose(fd);
		}
	}

	struct buffer result = {resultSpace, 0, sizeof(resultSpace)};
	if (!jsonStringField(control.data, "result", &result)) appendText(&result, "fake claude answer");
	struct buffer out = {outSpace, 0, sizeof(outSpace)};
	appendText(&out,
		"{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"api_error_status\":null,"
		"\"duration_ms\":12,\"duration_api_ms\":0,\"num_turns\":1,\"result\":");
	appendJsonString(&out, result.data, result.size);
	appendText(&out,
		",\"stop_reason\":\"end_turn\",\"session_id\":\"00000000-0000-4000-8000-000000000001\","
		"\"total_cost_usd\":0,\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,"
		"\"cache_read_input_tokens\":0,\"output_tokens\":0,\"server_tool_use\":{\"web_search_requests\":0,"
		"\"web_fetch_requests\":0},\"service_tier\":\"standard\",\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,"
		"\"ephemeral_5m_input_tokens\":0},\"inference_geo\":\"\",\"iterations\":[],\"speed\":\"standard\"},"
		"\"modelUsage\":{},\"permission_denials\":[],\"terminal_reason\":\"completed\",\"fast_mode_state\":\"off\","
		"\"uuid\":\"00000000-0000-4000-8000-000000000004\"}\n");
	writeAll(1, out.data, out.size);
	return 0;
}

#ifdef NOOP_CLI_NOLIBC

__attribute__((used)) static void startC(long* stack)
/* The kernel's initial stack: argc, argv[0..argc-1], NULL, envp..., NULL. */
{
	int argc = (int)stack[0];
	char** argv = (char**)(stack + 1);
	environment = argv + argc + 1;
	sysExit(run(argc, argv));
}

__asm__(".text\n"
		".global _start\n"
		"_start:\n"
		"	xor %rbp, %rbp\n"
		"	mov %rsp, %rdi\n"
		"	and $-16, %rsp\n"
		"	call startC\n"
		"	hlt\n");

#else

int main(int argc, char** argv)
{
	return run(argc, argv);
}

#endif
