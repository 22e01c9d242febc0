namespace EdgeTransfer.Training;
/// <summary>x</summary>
public static class TrainingPlaceholder { }
