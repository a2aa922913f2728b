import Foundation
import KvotaStore
import Synchronization

/// Child processes for the HTTP benchmark, started with posix_spawn (Foundation's `Process` can hang
/// on children that keep descriptors, see docs; this is what `KvotaStore.ProcessRunner` does too).
enum BenchProcess {
    /// Starts `arguments[0]` with the current environment plus `environment`; stdout to `stdout`,
    /// stderr to `stderr` (appended). Returns the child's pid.
    static func start(_ arguments: [String], environment: [String: String], stdout: String, stderr: String) throws
        -> pid_t
    {
        try ProcessRunner.spawn(
            arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, log: stdout,
            errors: stderr)
    }

    /// Waits for `pid` to end; its exit status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 { ProcessRunner.wait(pid) }

    /// The exit status when `pid` has ended, nil while it runs.
    static func exited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return decode(status)
    }

    private static func decode(_ status: Int32) -> Int32 {
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Runs a command to its end; returns its stdout (stderr goes to `log`). Throws on a non-zero exit.
    static func output(_ arguments: [String], environment: [String: String], log: String) throws -> String {
        let out = log + ".stdout"
        try? FileManager.default.removeItem(atPath: out)
        let status = wait(try start(arguments, environment: environment, stdout: out, stderr: log))
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw BenchError("\(arguments.joined(separator: " ")) exited with \(status): \(errors.suffix(2000))")
        }
        return text
    }

    /// The directory of this executable (where `swift build` also put kvotad).
    static var executableDirectory: String {
        let path =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}

/// Samples a process's resident memory (`VmRSS` of /proc/<pid>/status) every 200 ms and keeps the
/// peak of the current phase.
final class MemorySampler: Sendable {
    let pid: pid_t
    private let state = Mutex<(peak: Int, running: Bool)>((0, true))

    init(pid: pid_t) {
        self.pid = pid
        Thread.detachNewThread { [self] in
            while state.withLock({ $0.running }) {
                sample()
                usleep(200_000)
            }
        }
    }

    func sample() {
        guard let rss = MemorySampler.read(pid, "VmRSS") else { return }
        state.withLock { $0.peak = max($0.peak, rss) }
    }

    /// The peak VmRSS (kB) since the last call, sampled once more now; starts a new phase.
    @discardableResult
    func takePeak() -> Int {
        sample()
        return state.withLock { state in
            defer { state.peak = 0 }
            return state.peak
        }
    }

    func stop() { state.withLock { $0.running = false } }

    /// A `kB` field of /proc/<pid>/status (VmRSS, VmHWM), nil once the process is gone.
    static func read(_ pid: pid_t, _ key: String) -> Int? {
        // procfs files have no size: read them line by line (Foundation's whole-file reads see nothing).
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(key + ":") else { continue }
            return Int(text.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }
}

/// CPU time (user + system, seconds) of a process from /proc/<pid>/stat, to tell the server's share of
/// the machine from the client's.
enum CPUTime {
    static func of(_ pid: pid_t) -> Double {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 2048)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // After the command name in parentheses: state is field 3, utime 14, stime 15.
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static var mine: Double { of(getpid()) }
}
