namespace EdgeTransfer.Fleet;

/// <summary>Where one device's deployment stands, reported after the plan and after every chunk.</summary>
/// <param name="Device">The device id.</param>
/// <param name="Held">Chunks the device holds (verified).</param>
/// <param name="Total">Chunks in the plan.</param>
/// <param name="Attempt">The attempt (1, 2 … after a timeout or a lost connection the plan is sent again and the transfer resumes).</param>
public sealed record DeployProgress(string Device, int Held, int Total, int Attempt);
