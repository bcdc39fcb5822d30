package org.ppdb.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ppdb.peer.PeerConfig;
import org.ppdb.peer.admin.AdminClient;
import org.ppdb.peer.admin.MembersTable;
import org.ppdb.peer.discovery.SeedAddress;
import org.ppdb.peer.discovery.SeedAddresses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ppdb members}: prints the membership table of a running peer, read from its admin HTTP.
 */
@Command(
    name = "members",
    description = "Print the membership of the cluster as a running peer sees it.")
final class MembersCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--admin",
      defaultValue = "127.0.0.1:" + PeerConfig.ADMIN_PORT_DEFAULT,
      paramLabel = "HOST:PORT",
      description = "The peer's admin HTTP address. Default: ${DEFAULT-VALUE}.")
  String admin;

  @Option(
      names = "--timeout-ms",
      defaultValue = "5000",
      description = "How long to wait for the peer. Default: ${DEFAULT-VALUE}.")
  long timeoutMillis;

  @Override
  public Integer call() throws InterruptedException {
    SeedAddress address;
    try {
      address = SeedAddresses.parseOne(admin);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--admin: " + e.getMessage());
    }
    AdminClient client =
        new AdminClient(
            new InetSocketAddress(address.host(), address.port()),
            Duration.ofMillis(timeoutMillis));
    try {
      spec.commandLine().getOut().print(MembersTable.format(client.members()));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println("ppdb members: cannot read " + admin + "/members: " + e.getMessage());
      return 1;
    }
  }
}
