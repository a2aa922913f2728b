import ArgumentParser

/// `kvota`: the command-line client for regional offices, the ministry and auditors.
@main
struct KvotaCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kvota",
        abstract: "Kvota's offline-first client for regional offices, ministry staff and auditors.",
        discussion: """
            Not yet usable: the client's commands (init, sync, conflicts, quota show, audit) come \
            with the sync server's API. Today the quota picture is shown on the server host by \
            `kvotad quota`.
            """)

    func run() throws {
        print(KvotaCLI.helpMessage())
        throw ExitCode(2)
    }
}
