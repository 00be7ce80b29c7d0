import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Run a program directly (no shell) and wait for it, with posix_spawn and
/// waitpid: Foundation's Process can stall inside async tests on Linux.
@discardableResult
public func spawn(_ argv: [String], capture: Bool = true, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw ServerError("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let devnull = "/dev/null"
    if capture {
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
    } else {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, devnull, O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, devnull, O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, devnull, O_RDONLY, 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])

    let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0)=\($1)" }
    var cArgs = argv.map { strdup($0) } + [nil]
    var cEnv = env.map { strdup($0) } + [nil]
    defer {
        for p in cArgs { free(p) }
        for p in cEnv { free(p) }
    }
    var attr = cleanSpawnAttributes()
    defer { posix_spawnattr_destroy(&attr) }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cArgs, &cEnv)
    close(fds[1])
    guard rc == 0 else {
        close(fds[0])
        throw ServerError("cannot run \(argv[0]): \(String(cString: strerror(rc)))")
    }
    var output = Data()
    if capture {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output.append(contentsOf: buffer[0 ..< n])
        }
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exit, String(decoding: output, as: UTF8.self))
}

/// Spawn attributes for a child with no signals blocked and default
/// dispositions: the test runner's threads block signals, and tmux or a
/// server would inherit that. Destroy them after use.
func cleanSpawnAttributes() -> posix_spawnattr_t {
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attr, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for sig in [SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGWINCH, SIGQUIT] { sigaddset(&defaults, sig) }
    posix_spawnattr_setsigdefault(&attr, &defaults)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return attr
}
