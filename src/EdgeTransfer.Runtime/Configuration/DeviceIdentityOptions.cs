namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>device</c> section: who this device is in the fleet. Both ids become MQTT topic levels.</summary>
public sealed class DeviceIdentityOptions
{
    /// <summary>The device id (<c>edgetransfer/v1/{fleet}/{id}/…</c>): 1 to 64 of <c>A–Z a–z 0–9 . _ -</c>. Default: the host name.</summary>
    public string Id { get; set; } = DefaultId();

    /// <summary>The fleet (plant, line) the device belongs to, same characters as <see cref="Id"/>. Default <c>default</c>.</summary>
    public string Fleet { get; set; } = "default";

    /// <summary>The host name reduced to the characters an id may have, or <c>device</c>.</summary>
    public static string DefaultId()
    {
        var name = new string([.. Environment.MachineName.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-').Take(64)]);
        return name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) ? name : "device";
    }
}
