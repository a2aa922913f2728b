import ArgumentParser

@main
struct Kvotad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kvotad",
        abstract: "Kvota's event-sourced sync server for the national work-permit quota.",
        subcommands: [Serve.self, Migrate.self, TokenCommand.self, QuotaCommand.self, Projections.self],
        defaultSubcommand: Serve.self)
}
