/*
 * lifeboat-journalfs: a FUSE pass-through that exposes one protected image as the file `image`
 * and appends every write to a journal before applying it (docs/protect.md, "Journal").
 *
 *   lifeboat-journalfs <backing-image> <journal-dir> <mountpoint> [--segment-bytes N] [fuse opts]
 *
 * Journal: segments <journal-dir>/<session>-<seq, 8 digits>.lbj; the file <journal-dir>/session
 * names the session being written. Segment header (32 bytes): "LBJSEG01", session (8 bytes),
 * seq (u32 LE), reserved (u32), created ns (u64 LE). Record: magic "LBJR" (u32), length (u32),
 * offset (u64), timestamp ns since the epoch (u64), crc32 (u32) over bytes 0..23 and the data,
 * reserved (u32), then the data. All little-endian. Writes are serialised under one lock, and the
 * timestamp is taken inside it and never goes backwards, so records are in timestamp order.
 * SIGUSR1 starts a new segment at once (the agent waits for it before a resynchronisation).
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static const char *image_path;
static const char *journal_dir;
static int image_fd = -1;
static int journal_fd = -1;
static uint64_t segment_bytes = 64ull << 20;
static uint64_t segment_used;
static uint32_t segment_seq;
static uint8_t session[8];
static uint64_t last_ns;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
  if (ns <= last_ns) ns = last_ns + 1; /* never backwards: records stay in timestamp order */
  last_ns = ns;
  return ns;
}

static void session_hex(char *out) {
  for (int i = 0; i < 8; i++) sprintf(out + 2 * i, "%02x", session[i]);
}

static int write_all(int fd, const void *buf, size_t len) {
  const uint8_t *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Opens segment `segment_seq` (called with the lock held, or before the mount starts). */
static int open_segment(void) {
  char hex[17], path[4096];
  session_hex(hex);
  snprintf(path, sizeof path, "%s/%s-%08u.lbj", journal_dir, hex, segment_seq);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return -errno;
  uint8_t header[32] = {0};
  memcpy(header, "LBJSEG01", 8);
  memcpy(header + 8, session, 8);
  put32(header + 16, segment_seq);
  put64(header + 24, now_ns());
  int rc = write_all(fd, header, sizeof header);
  if (rc < 0) {
    close(fd);
    return rc;
  }
  fsync(fd);
  if (journal_fd >= 0) {
    fdatasync(journal_fd);
    close(journal_fd);
  }
  journal_fd = fd;
  segment_used = sizeof header;
  return 0;
}

static int rotate(void) {
  segment_seq++;
  return open_segment();
}

static int jfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  (void)fi;
  memset(st, 0, sizeof *st);
  if (strcmp(path, "/") == 0) {
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
    return 0;
  }
  if (strcmp(path, "/image") != 0) return -ENOENT;
  struct stat real;
  if (fstat(image_fd, &real) < 0) return -errno;
  st->st_mode = S_IFREG | 0600;
  st->st_nlink = 1;
  st->st_size = real.st_size;
  st->st_mtim = real.st_mtim;
  st->st_uid = getuid();
  st->st_gid = getgid();
  return 0;
}

static int jfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                       struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)off; (void)fi; (void)flags;
  if (strcmp(path, "/") != 0) return -ENOENT;
  fill(buf, ".", NULL, 0, 0);
  fill(buf, "..", NULL, 0, 0);
  fill(buf, "image", NULL, 0, 0);
  return 0;
}

static int jfs_open(const char *path, struct fuse_file_info *fi) {
  if (strcmp(path, "/image") != 0) return -ENOENT;
  if (fi->flags & O_TRUNC) return -EPERM; /* the image's size is fixed */
  return 0;
}

static int jfs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)path; (void)fi;
  ssize_t n = pread(image_fd, buf, size, off);
  return n < 0 ? -errno : (int)n;
}

static int jfs_write(const char *path, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi) {
  (void)path; (void)fi;
  struct stat real;
  if (fstat(image_fd, &real) < 0) return -errno;
  if ((uint64_t)off + size > (uint64_t)real.st_size) return -ENOSPC; /* never grow the image */
  pthread_mutex_lock(&lock);
  int rc = 0;
  if (segment_used + 32 + size > segment_bytes && segment_used > 32) rc = rotate();
  if (rc == 0) {
    uint8_t header[32] = {0};
    memcpy(header, "LBJR", 4);
    put32(header + 4, (uint32_t)size);
    put64(header + 8, (uint64_t)off);
    put64(header + 16, now_ns());
    uLong crc = crc32(0L, header, 24);
    crc = crc32(crc, (const Bytef *)buf, (uInt)size);
    put32(header + 24, (uint32_t)crc);
    struct iovec iov[2] = {{header, sizeof header}, {(void *)buf, size}};
    ssize_t want = (ssize_t)(sizeof header + size);
    ssize_t n = writev(journal_fd, iov, 2); /* one append: a record is never interleaved */
    if (n != want) rc = n < 0 ? -errno : -EIO;
    else segment_used += (uint64_t)want;
  }
  if (rc == 0) {
    /* Journal first, then the image: a write the image has is always in the journal. */
    ssize_t n = pwrite(image_fd, buf, size, off);
    rc = n < 0 ? -errno : (int)n;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

static int jfs_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)path; (void)datasync; (void)fi;
  pthread_mutex_lock(&lock);
  int rc = fdatasync(journal_fd) < 0 || fdatasync(image_fd) < 0 ? -errno : 0;
  pthread_mutex_unlock(&lock);
  return rc;
}

static int jfs_flush(const char *path, struct fuse_file_info *fi) {
  (void)path; (void)fi;
  return 0;
}

static int jfs_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  (void)path; (void)fi;
  struct stat real;
  if (fstat(image_fd, &real) < 0) return -errno;
  return size == real.st_size ? 0 : -EPERM;
}

static void *signal_thread(void *arg) {
  sigset_t *set = arg;
  for (;;) {
    int sig;
    if (sigwait(set, &sig) != 0) continue;
    pthread_mutex_lock(&lock);
    if (rotate() < 0) perror("lifeboat-journalfs: rotate");
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static const struct fuse_operations ops = {
    .getattr = jfs_getattr,
    .readdir = jfs_readdir,
    .open = jfs_open,
    .read = jfs_read,
    .write = jfs_write,
    .fsync = jfs_fsync,
    .flush = jfs_flush,
    .truncate = jfs_truncate,
};

static int write_session_file(void) {
  char hex[17], tmp[4096], final[4096];
  session_hex(hex);
  snprintf(tmp, sizeof tmp, "%s/session.tmp", journal_dir);
  snprintf(final, sizeof final, "%s/session", journal_dir);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -errno;
  int rc = write_all(fd, hex, 16);
  fsync(fd);
  close(fd);
  if (rc == 0 && rename(tmp, final) < 0) rc = -errno;
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <backing-image> <journal-dir> <mountpoint> [--segment-bytes N] [fuse options]\n", argv[0]);
    return 2;
  }
  /* Absolute paths: the FUSE main loop may change the working directory. */
  image_path = realpath(argv[1], NULL);
  journal_dir = realpath(argv[2], NULL);
  if (image_path == NULL || journal_dir == NULL) {
    perror(image_path == NULL ? argv[1] : argv[2]);
    return 1;
  }
  char *fuse_argv[64];
  int fuse_argc = 0;
  fuse_argv[fuse_argc++] = argv[0];
  fuse_argv[fuse_argc++] = argv[3];
  for (int i = 4; i < argc && fuse_argc < 60; i++) {
    if (strcmp(argv[i], "--segment-bytes") == 0 && i + 1 < argc) segment_bytes = strtoull(argv[++i], NULL, 10);
    else fuse_argv[fuse_argc++] = argv[i];
  }
  image_fd = open(image_path, O_RDWR | O_CLOEXEC);
  if (image_fd < 0) {
    perror(image_path);
    return 1;
  }
  int rnd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (rnd < 0 || read(rnd, session, sizeof session) != (ssize_t)sizeof session) {
    perror("/dev/urandom");
    return 1;
  }
  close(rnd);
  int rc = open_segment();
  if (rc == 0) rc = write_session_file();
  if (rc < 0) {
    fprintf(stderr, "lifeboat-journalfs: cannot start the journal in %s: %s\n", journal_dir, strerror(-rc));
    return 1;
  }
  static sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every FUSE thread */
  pthread_t thread;
  pthread_create(&thread, NULL, signal_thread, &set);
  return fuse_main(fuse_argc, fuse_argv, &ops, NULL);
}
