public import Foundation

/// Starts programs with posix_spawn + waitpid, output appended to a log file. (Foundation's
/// `Process` waits forever on `pg_ctl start`, whose postmaster inherits a descriptor.) Used for the
/// embedded PostgreSQL, and by tests and benchmarks that run kvotad as a real process.
public enum ProcessRunner {
    /// Runs `arguments` (the program is looked up on PATH) to completion; returns the exit status.
    @discardableResult
    public static func run(_ arguments: [String], log: String) throws(StoreError) -> Int32 {
        try wait(spawn(arguments, log: log))
    }

    /// Starts `arguments` with stdin from /dev/null and stdout and stderr appended to `log` (stderr to
    /// `errors` instead, when given); with `environment`, the child gets exactly those variables, else
    /// this process's.
    public static func spawn(
        _ arguments: [String], environment: [String: String]? = nil, log: String, errors: String? = nil
    ) throws(StoreError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // A child starts with no signal blocked and every signal at its default action, whatever the
        // spawning thread had: pgbench started from a benchmark's thread inherited a blocked SIGALRM,
        // never saw its `-T` alarm and ran on for ten minutes.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map {
            $0.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { for pointer in envp ?? [] { free(pointer) } }
        let spawned =
            envp.map { envp in posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp) }
            ?? posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw StoreError(.unavailable, "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// Waits for `pid` to end; returns its exit status, or 128 + the signal that ended it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }
}
