using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>A fact that needs the Mosquitto broker (Debian's package); skipped, with the reason, where it is not installed.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    /// <summary>The broker binary of Debian's <c>mosquitto</c> package.</summary>
    public const string Binary = "/usr/sbin/mosquitto";

    /// <summary>The password-file tool of the same package.</summary>
    public const string PasswdTool = "/usr/bin/mosquitto_passwd";

    /// <summary>A fact that is skipped, saying why, where Mosquitto is not installed.</summary>
    public MosquittoFactAttribute()
    {
        if (!IsInstalled)
        {
            Skip = MissingReason;
        }
    }

    /// <summary>Whether the broker and its password tool are installed.</summary>
    public static bool IsInstalled => File.Exists(Binary) && File.Exists(PasswdTool);

    /// <summary>Why a Mosquitto test is skipped here.</summary>
    public static string MissingReason => $"Mosquitto is not installed ({Binary}, {PasswdTool}); .ci/run installs the Debian package 'mosquitto'.";
}
