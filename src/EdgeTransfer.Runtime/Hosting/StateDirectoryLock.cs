using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Hosting;

/// <summary>
/// The lock a device program holds on its whole state directory (<c>store.path</c>) while it runs, so that a second
/// program started on the same directory (a second service, a second shell) refuses at once, naming the lock,
/// instead of failing later on one of the stores inside it.
/// </summary>
/// <remarks>The kernel releases the lock when the process dies, even by kill -9: a stale lock file never blocks a restart.</remarks>
public sealed class StateDirectoryLock : IDisposable
{
    private readonly DirectoryLock _lock;

    private StateDirectoryLock(DirectoryLock held, string path)
    {
        _lock = held;
        LockPath = path;
    }

    /// <summary>The lock file (<c>{store.path}/.lock</c>).</summary>
    public string LockPath { get; }

    /// <summary>Creates the state directory if needed and takes its lock.</summary>
    /// <param name="stateDirectory">The state directory (<c>store.path</c>).</param>
    /// <returns>The lock, held until disposed.</returns>
    /// <exception cref="EdgeTransferException">Another process holds the lock.</exception>
    /// <exception cref="InvalidSettingException">The directory cannot be used (a file, no write access).</exception>
    public static StateDirectoryLock Acquire(string stateDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        var full = Path.GetFullPath(stateDirectory);
        var lockPath = Path.Combine(full, DirectoryLock.FileName);
        if (File.Exists(full))
        {
            throw new InvalidSettingException("store.path", $"{full} is a file; the state directory must be a directory.");
        }

        var held = DirectoryLock.Acquire(full, "device", (reason, ex) => ex is UnauthorizedAccessException
            ? new InvalidSettingException("store.path", $"the state directory {full} cannot be locked: {reason}", ex)
            : new EdgeTransferException($"The state directory {full} is locked by another running device program (lock file {lockPath}); stop it first (systemctl stop edgetransfer-device) or give this one another store.path.", ex));
        return new StateDirectoryLock(held, lockPath);
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();
}
